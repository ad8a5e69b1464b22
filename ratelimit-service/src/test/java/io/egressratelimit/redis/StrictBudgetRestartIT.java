package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.ManualClock;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import io.egressratelimit.limiter.store.BucketSpec.RefillStyle;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.StoreUnavailableException;
import io.egressratelimit.testing.redis.OneRedisServer;
import io.egressratelimit.testing.redis.RedisNodes;
import io.egressratelimit.testing.redis.RespClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A strict limit of 20 per 10 s (burst 10) across Redis restarts that lose every bucket. Demand is
 * greedy, then idle long enough for the bucket to fill, then greedy again with a restart right
 * after the burst is spent: the worst moment. Strict buckets are reborn empty, so no 10-second
 * window ever admits more than 20. The same buckets reborn full, run alongside, admit more: the
 * restart really lost what was spent.
 */
class StrictBudgetRestartIT {
  private static final int N = 20;
  private static final Duration PERIOD = Duration.ofSeconds(10);
  private static final BucketSpec STRICT = new BucketSpec(10, N - 10, PERIOD, RefillStyle.GREEDY, 0);
  private static final BucketSpec REBORN_FULL = new BucketSpec(10, N - 10, PERIOD, RefillStyle.GREEDY, 10);
  private static final Duration STEP = Duration.ofMillis(250);

  @RegisterExtension
  static final OneRedisServer redis = new OneRedisServer();

  /** One store and bucket shape under test, and when (in test time, ms) each of its requests was admitted. */
  private record Run(BucketStore store, BucketClaim hit, List<Long> admittedAt) {}

  @Test
  void noWindowOfAStrictBudgetEverAdmitsMoreThanNAcrossRestartsThatLoseState() {
    ManualClock clock = ManualClock.midMinute();
    String key = UUID.randomUUID().toString();
    Map<String, Run> runs = new LinkedHashMap<>();
    try {
      for (RedisStrategy strategy : RedisStrategy.values()) {
        BucketStore store = TestStores.atClientTime(redis.url(), RedisTopology.SINGLE, strategy, clock);
        runs.put(strategy + " strict", new Run(store, new BucketClaim(key + ":strict", STRICT, 1, 1, true),
            new ArrayList<>()));
        runs.put(strategy + " reborn full", new Run(store, new BucketClaim(key + ":full", REBORN_FULL, 1, 1, true),
            new ArrayList<>()));
      }
      long now = 0;
      for (; now < 12_000; now += STEP.toMillis()) {
        if (now == 5_000) {
          restartLosingEverything();
        }
        spendGreedily(runs, now);
        clock.advance(STEP);
      }
      for (; now < 30_000; now += STEP.toMillis()) {
        clock.advance(STEP); // idle: every bucket fills up
      }
      spendGreedily(runs, now);
      restartLosingEverything();
      for (; now < 45_000; now += STEP.toMillis()) {
        spendGreedily(runs, now);
        clock.advance(STEP);
      }

      for (RedisStrategy strategy : RedisStrategy.values()) {
        List<Long> strict = runs.get(strategy + " strict").admittedAt();
        assertTrue(mostInAnyWindow(strict) <= N,
            strategy + ": a strict window admitted " + mostInAnyWindow(strict) + " of " + N);
        assertEquals(10, countBetween(strict, 30_000, 30_000), strategy + ": the full bucket's burst before the restart");
        assertTrue(mostInAnyWindow(runs.get(strategy + " reborn full").admittedAt()) > N,
            strategy + ": buckets reborn full overspend, so the restart did lose the spent tokens");
      }
    } finally {
      runs.values().stream().map(Run::store).distinct().forEach(BucketStore::close);
    }
  }

  private static void restartLosingEverything() {
    redis.node().restart();
    assertEquals(0L, RespClient.call(redis.port(), "DBSIZE"), "the restarted Redis holds no bucket");
  }

  /** Each run takes tokens until denied; calls refused while a store reconnects are repeated. */
  private static void spendGreedily(Map<String, Run> runs, long now) {
    for (Run run : runs.values()) {
      while (admitted(run)) {
        run.admittedAt().add(now);
      }
    }
  }

  private static boolean admitted(Run run) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        BatchOutcome outcome = run.store().consume(new BucketBatch(List.of(run.hit()))).toCompletableFuture().join();
        return outcome.admitted();
      } catch (CompletionException e) {
        if (!(e.getCause() instanceof StoreUnavailableException) || System.nanoTime() > deadline) {
          throw e;
        }
        RedisNodes.sleep(20);
      }
    }
  }

  /** The most admissions inside any window of one period, sliding over every admission. */
  private static int mostInAnyWindow(List<Long> admittedAt) {
    int most = 0;
    for (long start : admittedAt) {
      most = Math.max(most, countBetween(admittedAt, start, start + PERIOD.toMillis() - 1));
    }
    return most;
  }

  private static int countBetween(List<Long> admittedAt, long from, long to) {
    return (int) admittedAt.stream().filter(t -> t >= from && t <= to).count();
  }
}
