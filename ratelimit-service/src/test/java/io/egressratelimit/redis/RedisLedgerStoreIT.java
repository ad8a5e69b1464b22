package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.rlqs.ledger.LedgerStore;
import io.egressratelimit.testing.redis.OneRedisServer;
import io.egressratelimit.testing.redis.RespClient;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The RLQS ledgers on the bucket store's own connection, for both strategies, on a real
 * redis-server: there once the bucket store connects and gone once it closes; every call by its
 * script's SHA, and the source sent again only after Redis lost its scripts.
 */
class RedisLedgerStoreIT {
  @RegisterExtension
  static final OneRedisServer redis = new OneRedisServer();

  @ParameterizedTest
  @EnumSource(RedisStrategy.class)
  void theLedgersLiveAndDieWithTheBucketStoresConnectionAndGoBySha(RedisStrategy strategy) {
    RedisStoreSettings settings = TestStores.settings(redis.url(), RedisTopology.SINGLE, strategy)
        .withKeyPrefix("ledger-" + UUID.randomUUID() + ":");
    RedisLedgerStore ledgers = new RedisLedgerStore(settings);
    CompletionException notYet = assertThrows(CompletionException.class, () -> ledgers.read("a").toCompletableFuture().join());
    assertTrue(notYet.getCause().getMessage().startsWith("redis is not connected yet"), notYet.getMessage());

    BucketStore buckets = strategy == RedisStrategy.ATOMIC_SCRIPT ? ScriptStores.connect(settings, ledgers)
        : io.egressratelimit.redis.cas.CasStores.connect(settings, ledgers);
    try {
      long evalBefore = calls("eval");
      long evalshaBefore = calls("evalsha");
      LedgerStore.Read absent = ledgers.read("a").toCompletableFuture().join();
      assertEquals(Optional.empty(), absent.text());
      assertTrue(absent.nowMicros() > 0, "Redis's time");
      assertTrue(ledgers.replace("a", Optional.empty(), "first", Duration.ofMinutes(1)).toCompletableFuture().join());
      assertFalse(ledgers.replace("a", Optional.empty(), "second", Duration.ofMinutes(1)).toCompletableFuture().join(),
          "another replica wrote it first");
      assertTrue(ledgers.replace("a", Optional.of("first"), "second", Duration.ofMinutes(1)).toCompletableFuture().join());
      assertEquals(Optional.of("second"), ledgers.read("a").toCompletableFuture().join().text());
      assertEquals(evalBefore, calls("eval"), "no script source sent");
      assertTrue(calls("evalsha") >= evalshaBefore + 5, "every ledger call by SHA");

      RespClient.call(redis.port(), "SCRIPT", "FLUSH");
      assertEquals(Optional.of("second"), ledgers.read("a").toCompletableFuture().join().text(),
          "a Redis that lost its scripts gets the source again");
      assertEquals(evalBefore + 1, calls("eval"));
    } finally {
      buckets.close();
    }
    CompletionException closed = assertThrows(CompletionException.class, () -> ledgers.read("a").toCompletableFuture().join());
    assertTrue(closed.getCause() != null, "the bucket store closed the connection: " + closed);
  }

  /** How many times Redis ran a command, from INFO commandstats. */
  private static long calls(String command) {
    String stats = String.valueOf(RespClient.call(redis.port(), "INFO", "commandstats"));
    Matcher matcher = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(stats);
    return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
  }
}
