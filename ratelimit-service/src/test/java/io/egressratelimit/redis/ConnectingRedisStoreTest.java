package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.StoreUnavailableException;
import io.egressratelimit.memory.InMemoryBucketStore;
import io.egressratelimit.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ConnectingRedisStoreTest {
  private static final BucketBatch ONE = new BucketBatch(List.of(new BucketClaim("k",
      new BucketSpec(5, 5, Duration.ofMinutes(1), BucketSpec.RefillStyle.GREEDY, 5), 1, 1, true)), "d");
  private static final ConnectBackoff QUICK = new ConnectBackoff(Duration.ofMillis(1), Duration.ofMillis(4));

  /** Fails as a Redis that is not listening yet would, until {@code listening} is set; then connects. */
  private static Supplier<BucketStore> notListeningUntil(AtomicBoolean listening, AtomicInteger attempts,
      BucketStore connected) {
    return () -> {
      attempts.incrementAndGet();
      if (!listening.get()) {
        throw new RedisConnectException("cannot connect to Redis at redis://127.0.0.1:1: Connection refused", null,
            true);
      }
      return connected;
    };
  }

  @Test
  void untilRedisAnswersEveryCallFailsAtOnceThenTheConnectionIsUsed() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    AtomicBoolean listening = new AtomicBoolean();
    InMemoryBucketStore memory = new InMemoryBucketStore(NanoClock.SYSTEM);
    ConnectingRedisStore store =
        new ConnectingRedisStore(notListeningUntil(listening, attempts, memory), "single x", QUICK);
    store.startConnecting();
    store.awaitFirstAttempt();
    try {
      CompletionException refused = assertThrows(CompletionException.class,
          () -> store.consume(ONE).toCompletableFuture().join());
      assertTrue(refused.getCause() instanceof StoreUnavailableException, refused.toString());
      assertTrue(refused.getCause().getMessage().startsWith("redis is not connected yet: cannot connect"),
          refused.getCause().getMessage());
      assertTrue(store.describe().contains("not connected yet"), store.describe());
      assertTrue(Eventually.within(Duration.ofSeconds(30), () -> attempts.get() > 3), "it keeps trying");

      listening.set(true);
      store.connected().toCompletableFuture().get(30, TimeUnit.SECONDS);
      BatchOutcome outcome = store.consume(ONE).toCompletableFuture().join();
      assertTrue(outcome.admitted());
      assertEquals("in-memory", store.describe());
    } finally {
      store.close();
    }
  }

  @Test
  void aRedisThatRefusesTheCredentialsStopsStartUp() {
    RedisConnectException wrongPassword = new RedisConnectException(
        "cannot connect to Redis at redis://<redacted>@127.0.0.1:6379: WRONGPASS invalid username-password pair",
        null, false);
    ConnectingRedisStore store = new ConnectingRedisStore(() -> {
      throw wrongPassword;
    }, "single x", QUICK);
    store.startConnecting();
    assertSame(wrongPassword, assertThrows(RedisConnectException.class, store::awaitFirstAttempt));
    assertFalse(store.connected().toCompletableFuture().isDone());
  }

  @Test
  void refusalsOnlyTheOperatorCanFixAreToldFromNotListeningYet() {
    assertTrue(RedisConnectException.refusedByConfiguration(
        new RuntimeException("connect failed", new RuntimeException("WRONGPASS invalid username-password pair"))));
    assertTrue(RedisConnectException.refusedByConfiguration(
        new RuntimeException(new javax.net.ssl.SSLHandshakeException("PKIX path building failed"))));
    assertFalse(RedisConnectException.refusedByConfiguration(
        new RuntimeException(new java.net.ConnectException("Connection refused"))));
    assertFalse(RedisConnectException.refusedByConfiguration(
        new RuntimeException(new java.net.UnknownHostException("redis-master"))));
  }

  @Test
  void theBackOffDoublesUpToItsCap() {
    ConnectBackoff backoff = ConnectBackoff.DEFAULT;
    assertEquals(Duration.ofMillis(50), backoff.delayBefore(1));
    assertEquals(Duration.ofMillis(100), backoff.delayBefore(2));
    assertEquals(Duration.ofMillis(400), backoff.delayBefore(4));
    assertEquals(Duration.ofMillis(500), backoff.delayBefore(5));
    assertEquals(Duration.ofMillis(500), backoff.delayBefore(1_000_000));
  }
}
