package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.domain.BucketKey;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store contract on a Redis Cluster of three masters, for both strategies. For the atomic
 * script, the contract's buckets that must live apart sit on different masters, so its requests
 * over several buckets are decided slot by slot, with give-backs.
 */
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
   * One domain's buckets, one per user, spread over every master: each master holds some of them,
   * and only the master of each key's slot holds it.
   */
  @Test
  void oneDomainsBucketsSpreadOverEveryMaster() {
    String run = UUID.randomUUID().toString();
    Map<RedisNode, Integer> expected = new LinkedHashMap<>();
    try (BucketStore store = store(RedisStrategy.ATOMIC_SCRIPT, ManualClock.midMinute())) {
      for (int user = 0; user < 300; user++) {
        BucketClaim claim = new BucketClaim(run + "|user=" + user, BucketStoreContract.TEN_PER_MINUTE_WINDOW, 1, 1, true);
        assertTrue(store.consume(new BucketBatch(List.of(claim), "one-domain")).toCompletableFuture().join().admitted());
        expected.merge(cluster.masterOf(SlotHash.getSlot(BucketKey.spreadInStore("test:", claim.key()))), 1, Integer::sum);
      }
    }
    assertEquals(3, expected.size(), "300 buckets hash onto all three masters");
    for (RedisNode master : cluster.masters()) {
      List<?> found = (List<?>) RespClient.call(master.port(), "KEYS", "test:{*}" + run + "|user=*");
      assertEquals(expected.get(master), found.size(), "the buckets master " + master.port() + " holds");
    }
  }

  /**
   * Requests over a global bucket and one of four callers' buckets, most of them on two masters, in three
   * domains at once: each domain's global budget holds; the atomic script, which gives back what a
   * denied request took, admits it exactly.
   */
  @ParameterizedTest
  @EnumSource(RedisStrategy.class)
  void requestsOverAGlobalAndACallerBucketKeepEachDomainsBudget(RedisStrategy strategy) {
    String run = UUID.randomUUID().toString();
    List<String> domains = List.of("domain-a", "domain-b", "domain-c");
    try (BucketStore store = store(strategy, ManualClock.midMinute())) {
      List<CompletableFuture<BatchOutcome>> answers = new ArrayList<>();
      Map<CompletableFuture<BatchOutcome>, String> domainOf = new LinkedHashMap<>();
      for (int i = 0; i < 40; i++) {
        for (String domain : domains) {
          BucketBatch batch = new BucketBatch(List.of(
              new BucketClaim(domain + "|" + run + ":global", BucketStoreContract.TEN_PER_MINUTE_WINDOW, 1, 1, true),
              new BucketClaim(domain + "|" + run + ":caller-" + i % 4, BucketStoreContract.FIVE_PER_MINUTE_WINDOW, 1, 1,
                  true)),
              domain);
          CompletableFuture<BatchOutcome> answer = store.consume(batch).toCompletableFuture();
          answers.add(answer);
          domainOf.put(answer, domain);
        }
      }
      for (String domain : domains) {
        long admitted = answers.stream().filter(a -> domainOf.get(a).equals(domain) && a.join().admitted()).count();
        assertTrue(admitted <= 10, domain + " admitted " + admitted + " against a budget of 10");
        if (strategy == RedisStrategy.ATOMIC_SCRIPT) {
          assertEquals(10, admitted, domain + ": four callers of five each cover the budget of 10 exactly");
        }
      }
    }
  }

  @Nested
  class AtomicScript extends BucketStoreContract {
    @Override
    protected BucketStore createStore(NanoClock clock) {
      return store(RedisStrategy.ATOMIC_SCRIPT, clock);
    }

    /** Each name, suffixed until its bucket sits on a master none of the earlier names sits on. */
    @Override
    protected List<String> apart(String... names) {
      List<String> chosen = new ArrayList<>();
      List<RedisNode> taken = new ArrayList<>();
      for (String name : names) {
        for (int suffix = 0; ; suffix++) {
          String candidate = name + "-" + suffix;
          RedisNode master = cluster.masterOf(SlotHash.getSlot(BucketKey.spreadInStore("test:", key(candidate))));
          if (!taken.contains(master) || taken.size() == cluster.masters().size()) {
            chosen.add(candidate);
            taken.add(master);
            break;
          }
        }
      }
      return chosen;
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
