package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.Completions;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandType;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * Runs a script by its SHA; when Redis has lost its script cache (a restart, a failover) it sends
 * the source once with EVAL, which also caches it again.
 */
final class LettuceScriptRunner implements ScriptRunner {
  private final RedisConnection<String> connection;
  private final RedisClusterAsyncCommands<String, String> commands;
  /** The Netty event loop answers arrive on, learnt from each answer (a reconnect may move it). */
  private volatile EventExecutor ioLoop;

  LettuceScriptRunner(RedisConnection<String> connection) {
    this.connection = connection;
    this.commands = connection.commands();
  }

  @Override
  public CompletionStage<long[]> run(LuaScript lua, String[] keys, String[] args) {
    return withSourceOnNoScript(
        script(CommandType.EVALSHA, lua.sha1(), keys, args),
        () -> script(CommandType.EVAL, lua.source(), keys, args));
  }

  @Override
  public CompletionStage<long[]> runReadOnly(String[] keys, String[] args) {
    return withSourceOnNoScript(
        script(CommandType.EVALSHA_RO, TokenBucketScript.LUA.sha1(), keys, args),
        () -> script(CommandType.EVAL_RO, TokenBucketScript.SOURCE, keys, args));
  }

  /** EVAL or EVALSHA as Lettuce lays them out, with a reply read straight into numbers. */
  private CompletionStage<long[]> script(CommandType type, String shaOrSource, String[] keys, String[] args) {
    return commands.dispatch(type, new ScriptReplyOutput(StringCodec.UTF8), new ScriptArgs(shaOrSource, keys, args));
  }

  private CompletionStage<long[]> withSourceOnNoScript(
      CompletionStage<long[]> bySha, Supplier<CompletionStage<long[]>> bySource) {
    return bySha.toCompletableFuture().handle((reply, failure) -> {
      EventExecutor answeredOn = ThreadExecutorMap.currentExecutor();
      if (answeredOn != null && answeredOn != ioLoop) {
        ioLoop = answeredOn;
      }
      if (failure == null) {
        return CompletableFuture.completedFuture(reply);
      }
      Throwable cause = Completions.cause(failure);
      if (cause instanceof RedisNoScriptException) {
        return bySource.get().toCompletableFuture();
      }
      return CompletableFuture.<long[]>failedFuture(cause);
    }).thenCompose(stage -> stage);
  }

  @Override
  public Optional<ScheduledExecutorService> callThread() {
    return Optional.ofNullable(ioLoop);
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
