package io.egressratelimit.redis;

import io.egressratelimit.rlqs.ledger.LedgerStore;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The quota ledgers in Redis, one key per budget, shared by every replica. A write succeeds only if
 * the ledger is still what the replica read, checked and written in one script, so two replicas
 * never hand out the same tokens. Time is Redis's, so replicas with different clocks agree.
 *
 * <p>It runs on the bucket store's connection: it is connected when the bucket store is (so the
 * replica's readiness covers it), Lettuce reconnects both together, and closing the bucket store
 * closes it. Its two scripts are loaded once when that connection comes up and then called by
 * their SHA; a Redis that lost its script cache (a restart, a failover) gets the source once more.
 */
public final class RedisLedgerStore implements LedgerStore {
  private static final LuaScript READ = LuaScript.load("rlqs-ledger-read.lua");
  private static final LuaScript REPLACE = LuaScript.load("rlqs-ledger-replace.lua");

  private final RedisStoreSettings settings;
  private volatile Connected<?> connected;

  public RedisLedgerStore(RedisStoreSettings settings) {
    this.settings = settings;
  }

  /**
   * Runs from now on over the bucket store's connection, whose values are {@code V}; loads the
   * scripts there. A Redis that refuses SCRIPT LOAD (an ACL allowing only EVAL and EVALSHA) still
   * works: the first call by SHA falls back to the source.
   */
  private <V> void runOn(RedisConnection<V> connection, Function<String, V> encode, Function<Object, String> decode) {
    RedisClusterAsyncCommands<String, V> commands = connection.commands();
    commands.scriptLoad(READ.source());
    commands.scriptLoad(REPLACE.source());
    connected = new Connected<>(commands, encode, decode);
  }

  /** On a connection whose values are strings (the script strategy's). */
  public void runOn(RedisConnection<String> connection) {
    runOn(connection, Function.identity(), String::valueOf);
  }

  /** On a connection whose values are bytes (the compare-and-swap strategy's), as UTF-8. */
  public void runOnBytes(RedisConnection<byte[]> connection) {
    runOn(connection, text -> text.getBytes(StandardCharsets.UTF_8),
        value -> value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value));
  }

  private String key(String ledgerKey) {
    // One key, so any hash tag works; braces in a descriptor value must not make a tag of their own.
    return settings.keyPrefix() + "rlqs:{" + ledgerKey.replace("{", "(").replace("}", ")") + "}";
  }

  @Override
  public CompletionStage<Read> read(String ledgerKey) {
    String key = key(ledgerKey);
    return call(c -> c.read(key));
  }

  @Override
  public CompletionStage<Boolean> replace(String ledgerKey, Optional<String> expected, String next, Duration keep) {
    String key = key(ledgerKey);
    return call(c -> c.replace(key, expected.orElse(""), next, keep.toMillis()));
  }

  /** A report may wait longer than a decision: Envoy goes on with its assignment meanwhile. */
  private <T> CompletionStage<T> call(Function<Connected<?>, CompletionStage<T>> command) {
    Connected<?> current = connected;
    if (current == null) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "redis is not connected yet: " + RedisConnector.description(settings)));
    }
    CompletionStage<T> sent;
    try {
      sent = command.apply(current);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e); // a closed connection may refuse at once
    }
    return sent.toCompletableFuture().orTimeout(Math.max(1000, settings.timeout().toMillis() * 20), TimeUnit.MILLISECONDS);
  }

  @Override
  public String describe() {
    return RedisConnector.description(settings);
  }

  /** The connection is the bucket store's, which closes it. */
  @Override
  public void close() {
    connected = null;
  }

  private record Connected<V>(RedisClusterAsyncCommands<String, V> commands, Function<String, V> encode,
      Function<Object, String> decode) {
    CompletionStage<Read> read(String key) {
      return bySha(() -> commands.<List<Object>>evalsha(READ.sha1(), ScriptOutputType.MULTI, key),
          () -> commands.<List<Object>>eval(READ.source(), ScriptOutputType.MULTI, key))
          .thenApply(reply -> {
            @SuppressWarnings("unchecked")
            List<Object> time = (List<Object>) reply.get(1);
            long micros = Long.parseLong(decode.apply(time.get(0))) * 1_000_000L + Long.parseLong(decode.apply(time.get(1)));
            return new Read(Optional.ofNullable(reply.get(0)).map(decode), micros);
          });
    }

    CompletionStage<Boolean> replace(String key, String expected, String next, long keepMillis) {
      String[] keys = {key};
      return bySha(
          () -> commands.<Long>evalsha(REPLACE.sha1(), ScriptOutputType.INTEGER, keys, encode.apply(expected),
              encode.apply(next), encode.apply(Long.toString(keepMillis))),
          () -> commands.<Long>eval(REPLACE.source(), ScriptOutputType.INTEGER, keys, encode.apply(expected),
              encode.apply(next), encode.apply(Long.toString(keepMillis))))
          .thenApply(stored -> stored == 1L);
    }

    private static <T> CompletionStage<T> bySha(Supplier<CompletionStage<T>> bySha, Supplier<CompletionStage<T>> bySource) {
      return bySha.get().toCompletableFuture().handle((reply, failure) -> {
        if (failure == null) {
          return CompletableFuture.completedFuture(reply);
        }
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        return cause instanceof RedisNoScriptException ? bySource.get().toCompletableFuture()
            : CompletableFuture.<T>failedFuture(cause);
      }).thenCompose(stage -> stage);
    }
  }
}
