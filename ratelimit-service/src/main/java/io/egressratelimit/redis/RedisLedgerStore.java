package io.egressratelimit.redis;

import io.egressratelimit.quota.LedgerStore;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The quota ledgers in Redis, one key per budget, shared by every replica. A write succeeds only if
 * the ledger is still what the replica read, checked and written in one script, so two replicas
 * never hand out the same tokens. Time is Redis's, so replicas with different clocks agree.
 *
 * <p>It has a connection of its own, opened on a thread of its own at the first call and again after a
 * failed attempt, so the service starts whether Redis is there yet or not, and a connect never
 * blocks a gRPC event loop; RLQS reports are a few per second per Envoy.
 */
public final class RedisLedgerStore implements LedgerStore {
  private static final String READ = "return {redis.call('GET', KEYS[1]) or false, redis.call('TIME')}";
  private static final String REPLACE = """
      if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
      redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
      return 1""";

  private final RedisStoreSettings settings;
  private final ExecutorService connector = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "rlqs-redis-connect");
    thread.setDaemon(true);
    return thread;
  });
  private CompletableFuture<RedisConnection<String>> connection;

  public RedisLedgerStore(RedisStoreSettings settings) {
    this.settings = settings;
  }

  private synchronized CompletableFuture<RedisConnection<String>> connection() {
    if (connection == null || connection.isCompletedExceptionally()) {
      connection = CompletableFuture.supplyAsync(() -> RedisConnector.connect(settings, StringCodec.UTF8), connector);
    }
    return connection;
  }

  private String key(String ledgerKey) {
    // One key, so any hash tag works; braces in a descriptor value must not make a tag of their own.
    return settings.keyPrefix() + "rlqs:{" + ledgerKey.replace("{", "(").replace("}", ")") + "}";
  }

  @Override
  public CompletionStage<Read> read(String ledgerKey) {
    String key = key(ledgerKey);
    return call(c -> c.commands().<List<Object>>eval(READ, ScriptOutputType.MULTI, key)).thenApply(reply -> {
      @SuppressWarnings("unchecked")
      List<Object> time = (List<Object>) reply.get(1);
      long micros = Long.parseLong(time.get(0).toString()) * 1_000_000L + Long.parseLong(time.get(1).toString());
      return new Read(Optional.ofNullable((String) reply.get(0)), micros);
    });
  }

  @Override
  public CompletionStage<Boolean> replace(String ledgerKey, Optional<String> expected, String next, Duration keep) {
    String key = key(ledgerKey);
    return call(c -> c.commands().<Long>eval(REPLACE, ScriptOutputType.INTEGER, new String[] {key},
        expected.orElse(""), next, Long.toString(keep.toMillis()))).thenApply(stored -> stored == 1L);
  }

  /** A report may wait longer than a decision: Envoy goes on with its assignment meanwhile. */
  private <T> CompletionStage<T> call(Function<RedisConnection<String>, CompletionStage<T>> command) {
    return connection().thenCompose(command)
        .orTimeout(Math.max(1000, settings.timeout().toMillis() * 20), TimeUnit.MILLISECONDS);
  }

  @Override
  public String describe() {
    return RedisConnector.description(settings);
  }

  @Override
  public synchronized void close() {
    connector.shutdownNow();
    if (connection != null && connection.isDone() && !connection.isCompletedExceptionally()) {
      connection.join().close();
    }
  }
}
