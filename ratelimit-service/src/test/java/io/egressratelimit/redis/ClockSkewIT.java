package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import io.egressratelimit.limiter.store.BucketSpec.RefillStyle;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.testing.redis.OneRedisServer;
import io.egressratelimit.testing.redis.RedisNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas whose local clocks are one second fast and one second slow share a fixed window of
 * two seconds. By their own clocks they are a whole window apart, so a store deciding by local
 * time would refill one replica's window while the other's is spent. Both strategies decide by the
 * Redis server's clock and hold the budget exactly; a pair of stores deciding by the skewed local
 * clocks, run alongside, shows that the scenario catches the difference.
 *
 * <p>redis-server runs on this machine, so its TIME is this machine's clock: the test places its
 * phases in true windows by {@link System#currentTimeMillis()}, with wide margins, and repeats a
 * round the machine stalled through rather than judging it.
 */
class ClockSkewIT {
  private static final long WINDOW_MILLIS = 2000;
  private static final int BUDGET = 6;
  private static final BucketSpec TWO_SECOND_WINDOW =
      new BucketSpec(BUDGET, BUDGET, Duration.ofMillis(WINDOW_MILLIS), RefillStyle.INTERVAL_ALIGNED, BUDGET);
  private static final long SKEW_NANOS = Duration.ofSeconds(1).toNanos();

  @RegisterExtension
  static final OneRedisServer redis = new OneRedisServer();

  /** Two replicas of one kind: their stores and what each phase admitted through them. */
  private record Replicas(BucketStore fast, BucketStore slow, List<Integer> admittedPerPhase) {}

  @Test
  void replicasWithClocksTwoSecondsApartShareOneExactBudgetAtRedisTime() throws Exception {
    Map<String, Replicas> pairs = new LinkedHashMap<>();
    try {
      for (RedisStrategy strategy : RedisStrategy.values()) {
        pairs.put(strategy.name(), new Replicas(
            connect(strategy, DecisionTime.redisServer(() -> System.nanoTime() + SKEW_NANOS)),
            connect(strategy, DecisionTime.redisServer(() -> System.nanoTime() - SKEW_NANOS)),
            new ArrayList<>()));
      }
      NanoClock wall = NanoClock.SYSTEM;
      pairs.put("local clocks", new Replicas(
          connect(RedisStrategy.ATOMIC_SCRIPT, DecisionTime.client(() -> wall.epochNanos() + SKEW_NANOS)),
          connect(RedisStrategy.ATOMIC_SCRIPT, DecisionTime.client(() -> wall.epochNanos() - SKEW_NANOS)),
          new ArrayList<>()));

      runOneUndisturbedRound(pairs);

      for (RedisStrategy strategy : RedisStrategy.values()) {
        assertEquals(List.of(BUDGET, 0, BUDGET), pairs.get(strategy.name()).admittedPerPhase(),
            strategy + ": the budget, then nothing until the true window ends, then the budget again");
      }
      List<Integer> local = pairs.get("local clocks").admittedPerPhase();
      assertTrue(local.get(0) + local.get(1) > BUDGET,
          "deciding by the skewed clocks overspends the first window (the scenario has teeth): " + local);
    } finally {
      pairs.values().forEach(pair -> {
        pair.fast().close();
        pair.slow().close();
      });
    }
  }

  private static BucketStore connect(RedisStrategy strategy, DecisionTime time) {
    return TestStores.connect(TestStores.settings(redis.url(), RedisTopology.SINGLE, strategy), time);
  }

  /**
   * Phase 1, early in a true window: 20 requests, alternating replicas. Phase 2, in the second half
   * of the same window, where the fast replica's clock is already in the next one: 10 requests.
   * Phase 3, early in the next true window: 20 requests.
   */
  private static void runOneUndisturbedRound(Map<String, Replicas> pairs) {
    for (int attempt = 1; attempt <= 3; attempt++) {
      String key = UUID.randomUUID().toString();
      pairs.values().forEach(pair -> pair.admittedPerPhase().clear());
      long start = (System.currentTimeMillis() / WINDOW_MILLIS + 1) * WINDOW_MILLIS;
      boolean undisturbed = phase(pairs, key, start + 150, start + 900, 20)
          && phase(pairs, key, start + 1150, start + 1900, 10)
          && phase(pairs, key, start + WINDOW_MILLIS + 150, start + WINDOW_MILLIS + 900, 20);
      if (undisturbed) {
        return;
      }
    }
    fail("the machine stalled through every round; no phase fitted its place in the window");
  }

  /** Sends {@code requests} per pair between {@code from} and {@code until}; false if it ran late. */
  private static boolean phase(Map<String, Replicas> pairs, String key, long from, long until, int requests) {
    RedisNodes.sleep(Math.max(0, from - System.currentTimeMillis()));
    for (Map.Entry<String, Replicas> entry : pairs.entrySet()) {
      Replicas pair = entry.getValue();
      BucketClaim hit = new BucketClaim(key + ":" + entry.getKey(), TWO_SECOND_WINDOW, 1, 1, true);
      int admitted = 0;
      for (int i = 0; i < requests; i++) {
        BucketStore replica = i % 2 == 0 ? pair.fast() : pair.slow();
        if (replica.consume(new BucketBatch(List.of(hit), "skew")).toCompletableFuture().join().admitted()) {
          admitted++;
        }
      }
      pair.admittedPerPhase().add(admitted);
    }
    return System.currentTimeMillis() < until;
  }
}
