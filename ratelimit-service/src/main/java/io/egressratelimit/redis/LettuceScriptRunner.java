package io.egressratelimit.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Runs the script by its SHA; when Redis has lost its script cache (a restart, a failover) it sends
 * the source once with EVAL, which also caches it again.
 */
final class LettuceScriptRunner implements ScriptRunner {
  private final RedisConnection<String> connection;
  private final RedisClusterAsyncCommands<String, String> commands;
  /** The Netty event loop answers arrive on, learnt from each answer (a reconnect may move it). */
  private volatile Executor ioLoop;

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

  private CompletionStage<List<Object>> withSourceOnNoScript(
      CompletionStage<List<Object>> bySha, java.util.function.Supplier<CompletionStage<List<Object>>> bySource) {
    return bySha.toCompletableFuture().handle((reply, failure) -> {
      EventExecutor answeredOn = ThreadExecutorMap.currentExecutor();
      if (answeredOn != null && answeredOn != ioLoop) {
        ioLoop = answeredOn;
      }
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
  public Executor callThread() {
    Executor loop = ioLoop;
    return loop != null ? loop : Runnable::run;
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
