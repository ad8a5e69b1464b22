package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.ManualClock;
import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.BucketStoreContract;
import io.egressratelimit.testing.redis.ClusterFixture;
import io.egressratelimit.testing.redis.RedisNode;
import io.egressratelimit.testing.redis.RespClient;
import io.lettuce.core.cluster.SlotHash;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The store contract on a Redis Cluster of three masters, for both strategies. */
class ClusterStoresIT {
  private static ClusterFixture cluster;

  @BeforeAll
  static void startCluster() {
    cluster = ClusterFixture.start();
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private static BucketStore store(RedisStrategy strategy, NanoClock clock) {
    return TestStores.atClientTime(cluster.seeds(), RedisTopology.CLUSTER, strategy, clock);
  }

  /**
   * Three domains whose buckets live on three different masters, hit at once with two-bucket
   * requests: each domain's budget holds exactly, and its keys sit on the master of its slot.
   */
  @ParameterizedTest
  @EnumSource(RedisStrategy.class)
  void domainsOnDifferentMastersEachKeepTheirBudget(RedisStrategy strategy) {
    Map<String, RedisNode> domains = domainPerMaster();
    String run = UUID.randomUUID().toString();
    try (BucketStore store = store(strategy, ManualClock.midMinute())) {
      List<CompletableFuture<BatchOutcome>> answers = new ArrayList<>();
      Map<CompletableFuture<BatchOutcome>, String> domainOf = new LinkedHashMap<>();
      for (int i = 0; i < 40; i++) {
        for (String domain : domains.keySet()) {
          BucketBatch batch = new BucketBatch(List.of(
              new BucketClaim(run + ":global", BucketStoreContract.TEN_PER_MINUTE_WINDOW, 1, 1, true),
              new BucketClaim(run + ":caller-" + i % 4, BucketStoreContract.FIVE_PER_MINUTE_WINDOW, 1, 1, true)),
              domain);
          CompletableFuture<BatchOutcome> answer = store.consume(batch).toCompletableFuture();
          answers.add(answer);
          domainOf.put(answer, domain);
        }
      }
      for (String domain : domains.keySet()) {
        long admitted = answers.stream().filter(a -> domainOf.get(a).equals(domain) && a.join().admitted()).count();
        assertTrue(admitted <= 10, domain + " admitted " + admitted + " against a budget of 10");
        if (strategy == RedisStrategy.ATOMIC_SCRIPT) {
          assertEquals(10, admitted, domain + ": four callers of five each cover the budget of 10 exactly");
        }
        for (RedisNode master : cluster.masters()) {
          List<?> found = (List<?>) RespClient.call(master.port(), "KEYS", "*{" + domain + "}" + run + ":global");
          assertEquals(master == domains.get(domain) ? 1 : 0, found.size(),
              domain + "'s bucket lives on the master of its slot, and only there");
        }
      }
    }
  }

  /** A domain name for each master, found by hashing candidates as Redis does. */
  private static Map<String, RedisNode> domainPerMaster() {
    Map<String, RedisNode> domains = new LinkedHashMap<>();
    for (int i = 0; domains.size() < cluster.masters().size(); i++) {
      String candidate = "domain-" + i;
      RedisNode master = cluster.masterOf(SlotHash.getSlot(candidate));
      if (!domains.containsValue(master)) {
        domains.put(candidate, master);
      }
    }
    return domains;
  }

  @Nested
  class AtomicScript extends BucketStoreContract {
    @Override
    protected BucketStore createStore(NanoClock clock) {
      return store(RedisStrategy.ATOMIC_SCRIPT, clock);
    }
  }

  @Nested
  class Bucket4jCas extends BucketStoreContract {
    @Override
    protected boolean readsWithoutConsuming() {
      return false;
    }

    @Override
    protected BucketStore createStore(NanoClock clock) {
      return store(RedisStrategy.BUCKET4J_CAS, clock);
    }
  }
}
