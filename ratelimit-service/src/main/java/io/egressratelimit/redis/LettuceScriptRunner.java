package io.egressratelimit.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Runs the script by its SHA; when Redis has lost its script cache (a restart, a failover) it sends
 * the source once with EVAL, which also caches it again.
 */
final class LettuceScriptRunner implements ScriptRunner {
  private final RedisConnection<String> connection;
  private final RedisClusterAsyncCommands<String, String> commands;

  LettuceScriptRunner(RedisConnection<String> connection) {
    this.connection = connection;
    this.commands = connection.commands();
  }

  @Override
  public CompletionStage<List<Object>> run(String[] keys, String[] args) {
    return withSourceOnNoScript(
        commands.<List<Object>>evalsha(TokenBucketScript.SHA1, ScriptOutputType.MULTI, keys, args),
        () -> commands.eval(TokenBucketScript.SOURCE, ScriptOutputType.MULTI, keys, args));
  }

  @Override
  public CompletionStage<List<Object>> runReadOnly(String[] keys, String[] args) {
    return withSourceOnNoScript(
        commands.<List<Object>>evalshaReadOnly(TokenBucketScript.SHA1, ScriptOutputType.MULTI, keys, args),
        () -> commands.evalReadOnly(TokenBucketScript.SOURCE.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            ScriptOutputType.MULTI, keys, args));
  }

  private static CompletionStage<List<Object>> withSourceOnNoScript(
      CompletionStage<List<Object>> bySha, java.util.function.Supplier<CompletionStage<List<Object>>> bySource) {
    return bySha.toCompletableFuture().handle((reply, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(reply);
      }
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      if (cause instanceof RedisNoScriptException) {
        return bySource.get().toCompletableFuture();
      }
      return CompletableFuture.<List<Object>>failedFuture(cause);
    }).thenCompose(stage -> stage);
  }

  @Override
  public int slotOf(String key) {
    return connection.slotOf(key);
  }

  @Override
  public String describe() {
    return connection.describe();
  }

  @Override
  public void close() {
    connection.close();
  }
}
