package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.domain.BucketKey;
import io.egressratelimit.limiter.ManualClock;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import io.egressratelimit.limiter.store.BucketSpec.RefillStyle;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.testing.redis.ClusterFixture;
import io.egressratelimit.testing.redis.RespClient;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rolling upgrade on a Redis Cluster from a version that tagged every key by its domain. Budgets
 * half spent by the earlier version stay exact while both versions serve, with the upgraded
 * replicas spending the domain-tagged keys too ({@code REDIS_CLUSTER_LEGACY_KEYS}); once that is
 * turned off, a budget opens early by at most what the earlier version spent and it has not
 * refilled since, never more than its burst.
 */
class ClusterUpgradeIT {
  private static final BucketSpec TEN_A_MINUTE =
      new BucketSpec(10, 10, Duration.ofMinutes(1), RefillStyle.INTERVAL_ALIGNED, 10);
  private static final BucketSpec BURST_10_REFILL_10_A_MINUTE =
      new BucketSpec(10, 10, Duration.ofMinutes(1), RefillStyle.GREEDY, 10);
  private static final String DOMAIN = "geocode";

  private static ClusterFixture cluster;

  private final ManualClock clock = ManualClock.midMinute();
  private final List<BucketStore> stores = new ArrayList<>();
  private String bucket;

  @BeforeAll
  static void startCluster() {
    cluster = ClusterFixture.start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @BeforeEach
  void name() {
    bucket = DOMAIN + "|user=" + UUID.randomUUID();
  }

  @AfterEach
  void close() {
    stores.forEach(BucketStore::close);
  }

  private BucketStore earlierVersion() {
    return remember(TestStores.domainTaggedAtClientTime(cluster.seeds(), RedisTopology.CLUSTER, clock));
  }

  private BucketStore upgraded(boolean legacyKeys) {
    return remember(TestStores.connect(TestStores.settings(cluster.seeds(), RedisTopology.CLUSTER,
        RedisStrategy.ATOMIC_SCRIPT).withLegacyClusterKeys(legacyKeys), DecisionTime.client(clock)));
  }

  private BucketStore remember(BucketStore store) {
    stores.add(store);
    return store;
  }

  private CompletableFuture<BatchOutcome> hit(BucketStore store, BucketSpec spec) {
    return store.consume(new BucketBatch(List.of(new BucketClaim(bucket, spec, 1, 1, true)), DOMAIN))
        .toCompletableFuture();
  }

  private int spend(BucketStore store, BucketSpec spec, int hits) {
    int admitted = 0;
    for (int i = 0; i < hits; i++) {
      admitted += hit(store, spec).join().admitted() ? 1 : 0;
    }
    return admitted;
  }

  /** Requests sent at once, alternating between the stores, as a load balancer spreads them over replicas. */
  private static int admittedAtOnce(BucketSpec spec, int requests, ClusterUpgradeIT test, BucketStore... replicas) {
    List<CompletableFuture<BatchOutcome>> answers = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      answers.add(test.hit(replicas[i % replicas.length], spec));
    }
    return (int) answers.stream().filter(answer -> answer.join().admitted()).count();
  }

  @Test
  void aBudgetTheEarlierVersionHalfSpentIsNotOverspentWhileBothVersionsServe() {
    BucketStore earlier = earlierVersion();
    assertEquals(6, spend(earlier, TEN_A_MINUTE, 6));
    BucketStore upgraded = upgraded(true);
    assertEquals(4, admittedAtOnce(TEN_A_MINUTE, 40, this, earlier, upgraded), "the four tokens left, and no more");
    assertEquals(0, spend(upgraded, TEN_A_MINUTE, 5));
    String domainTagged = BucketKey.inStore("test:", DOMAIN, bucket);
    String own = BucketKey.spreadInStore("test:", bucket);
    assertEquals("a" + (clock.epochNanos() / 60_000_000_000L) + ":0", valueOf(domainTagged), "spent by both versions");
    assertTrue(((String) valueOf(own)).startsWith("a"), "the upgraded replicas keep the bucket's own key too");
  }

  @Test
  void aTokenBucketStaysExactWhileBothVersionsServeAcrossARefill() {
    BucketStore earlier = earlierVersion();
    assertEquals(10, spend(earlier, BURST_10_REFILL_10_A_MINUTE, 12));
    BucketStore upgraded = upgraded(true);
    clock.advance(Duration.ofSeconds(30));
    assertEquals(5, admittedAtOnce(BURST_10_REFILL_10_A_MINUTE, 40, this, upgraded, earlier),
        "five tokens refilled in thirty seconds, however the two versions share them");
  }

  @Test
  void withoutTheLegacyKeysTheTwoVersionsCountApart() {
    // What the setting is for: an upgraded replica that spends only the bucket's own key finds it
    // full, and the budget the earlier version half spent is overspent while both serve.
    BucketStore earlier = earlierVersion();
    spend(earlier, TEN_A_MINUTE, 6);
    assertEquals(14, admittedAtOnce(TEN_A_MINUTE, 40, this, earlier, upgraded(false)));
  }

  @Test
  void turnedOffAfterTheUpgradeABudgetOpensEarlyByWhatOnlyTheEarlierVersionSpentAtMostItsBurst() {
    BucketStore earlier = earlierVersion();
    assertEquals(6, spend(earlier, BURST_10_REFILL_10_A_MINUTE, 6));
    assertEquals(4, spend(upgraded(true), BURST_10_REFILL_10_A_MINUTE, 10), "exact while both versions serve");
    earlier.close();
    stores.remove(earlier);
    // Every replica upgraded, the setting turned off at once: the bucket's own key never saw the
    // earlier version's six.
    BucketStore spreadOnly = upgraded(false);
    assertEquals(6, spend(spreadOnly, BURST_10_REFILL_10_A_MINUTE, 20));
    assertTrue(6 <= BURST_10_REFILL_10_A_MINUTE.capacity());
    clock.advance(Duration.ofSeconds(6));
    assertEquals(1, spend(spreadOnly, BURST_10_REFILL_10_A_MINUTE, 5), "then the budget's own rate, one each 6 s");
  }

  @Test
  void turnedOffOnceTheBudgetHadItsFillTimeItIsExact() {
    BucketStore earlier = earlierVersion();
    spend(earlier, BURST_10_REFILL_10_A_MINUTE, 6);
    spend(upgraded(true), BURST_10_REFILL_10_A_MINUTE, 2);
    earlier.close();
    stores.remove(earlier);
    clock.advance(Duration.ofMinutes(1)); // both keys full again: nothing left to differ
    BucketStore legacyStillOn = upgraded(true);
    BucketStore spreadOnly = upgraded(false);
    assertEquals(10, admittedAtOnce(BURST_10_REFILL_10_A_MINUTE, 40, this, legacyStillOn, spreadOnly),
        "a fleet half turned off keeps one count on the bucket's own key");
  }

  private static Object valueOf(String key) {
    int port = cluster.masterOf(SlotHash.getSlot(key)).port();
    return RespClient.call(port, "GET", key);
  }
}
