package io.egressratelimit.limiter;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.store.BucketSpec.RefillStyle;
import io.egressratelimit.memory.InMemoryBucketStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OverLimitCacheTest {
  private static final BucketSpec FIVE_PER_MINUTE =
      new BucketSpec(5, 5, Duration.ofMinutes(1), RefillStyle.INTERVAL_ALIGNED, 5);

  private ManualClock clock;
  private CountingStore store;
  private OverLimitCache cache;

  @BeforeEach
  void setUp() {
    clock = ManualClock.midMinute();
    store = new CountingStore(new InMemoryBucketStore(clock));
    cache = new OverLimitCache(store, clock, 2);
  }

  private BatchOutcome hit(String key, boolean enforced) {
    return cache.consume(new BucketBatch(List.of(new BucketClaim(key, FIVE_PER_MINUTE, 1, 1, enforced)), "d"))
        .toCompletableFuture().join();
  }

  @Test
  void anEmptyBucketIsAnsweredLocallyUntilItsNextTokenIsDue() {
    for (int i = 0; i < 5; i++) {
      assertTrue(hit("k", true).admitted());
    }
    assertFalse(hit("k", true).admitted(), "the store says empty");
    int callsBefore = store.calls.get();
    for (int i = 0; i < 100; i++) {
      BatchOutcome local = hit("k", true);
      assertFalse(local.admitted());
      assertEquals(Duration.ofSeconds(30), local.states().get(0).untilPassing(), "still a Retry-After");
    }
    assertEquals(callsBefore, store.calls.get(), "no round trip while the bucket is known empty");
    clock.advance(Duration.ofSeconds(30));
    assertTrue(hit("k", true).admitted(), "once the window turns, the store is asked again");
    assertEquals(callsBefore + 1, store.calls.get());
  }

  @Test
  void itNeverAdmitsMoreThanTheStoreWould() {
    int admitted = 0;
    for (int second = 0; second < 120; second++) {
      for (int i = 0; i < 20; i++) {
        if (hit("budget", true).admitted()) {
          admitted++;
        }
      }
      clock.advance(Duration.ofSeconds(1));
    }
    assertEquals(15, admitted, "5 in each of the three windows the two minutes touch");
  }

  @Test
  void aShadowModeClaimOnAnEmptyBucketDoesNotDeny() {
    for (int i = 0; i < 6; i++) {
      hit("shadow", false);
    }
    assertTrue(hit("shadow", false).admitted());
  }

  @Test
  void itRemembersAtMostItsBoundOfBuckets() {
    for (String key : List.of("a", "b", "c")) {
      for (int i = 0; i < 6; i++) {
        hit(key, true);
      }
    }
    assertEquals(2, cache.emptyEntries());
    int callsBefore = store.calls.get();
    assertFalse(hit("c", true).admitted(), "an uncached empty bucket is still denied, by the store");
    assertEquals(callsBefore + 1, store.calls.get());
  }

  private static final BucketSpec GLOBAL_FIVE_PER_MINUTE = FIVE_PER_MINUTE;
  private static final BucketSpec CALLER_ONE_PER_MINUTE =
      new BucketSpec(1, 1, Duration.ofMinutes(1), RefillStyle.GREEDY, 1);
  private static final BucketSpec REGION_TEN_PER_MINUTE =
      new BucketSpec(10, 10, Duration.ofMinutes(1), RefillStyle.GREEDY, 10);

  private static BucketBatch threeBuckets(String caller) {
    return new BucketBatch(List.of(
        new BucketClaim("global", GLOBAL_FIVE_PER_MINUTE, 1, 1, true),
        new BucketClaim(caller, CALLER_ONE_PER_MINUTE, 1, 1, true),
        new BucketClaim("region", REGION_TEN_PER_MINUTE, 1, 1, true)), "d");
  }

  private static BatchOutcome join(CompletionStage<BatchOutcome> stage) {
    return stage.toCompletableFuture().join();
  }

  @Test
  void aLocalDenialReportsEveryBucketAsTheStoreWould() {
    InMemoryBucketStore memory = new InMemoryBucketStore(clock);
    CountingStore counting = new CountingStore(memory);
    OverLimitCache cache = new OverLimitCache(counting, clock, 100);
    assertTrue(join(cache.consume(threeBuckets("caller"))).admitted());
    assertFalse(join(cache.consume(threeBuckets("caller"))).admitted(), "the store says the caller is empty");
    int callsBefore = counting.calls.get();
    // Seconds after the denial: inside the caller's empty minute, across the global window's turn
    // (at :60), and while the region refills past its capacity.
    int elapsed = 0;
    for (int seconds : new int[] {1, 10, 35, 59}) {
      clock.advance(Duration.ofSeconds(seconds - elapsed));
      elapsed = seconds;
      BatchOutcome local = join(cache.consume(threeBuckets("caller")));
      // A denied batch consumes nothing, so asking the store itself changes nothing either.
      BatchOutcome fromStore = join(memory.consume(threeBuckets("caller")));
      assertEquals(fromStore, local, "every status as the store gives it, " + seconds + " s on");
    }
    assertEquals(callsBefore, counting.calls.get(), "all answered without a round trip");
    BatchOutcome last = join(cache.consume(threeBuckets("caller")));
    assertEquals(5, last.states().get(0).remaining(), "the global window turned: 5 again");
    assertEquals(10, last.states().get(2).remaining(), "the region is full again");
  }

  @Test
  void aRequestNamingABucketNotSeenYetAsksTheStoreOnce() {
    OverLimitCache cache = new OverLimitCache(store, clock, 100);
    for (int i = 0; i < 2; i++) {
      cache.consume(new BucketBatch(List.of(new BucketClaim("caller", CALLER_ONE_PER_MINUTE, 1, 1, true)), "d"));
    }
    int callsBefore = store.calls.get();
    BatchOutcome first = join(cache.consume(threeBuckets("caller")));
    assertFalse(first.admitted());
    assertEquals(5, first.states().get(0).remaining(), "the global bucket, as the store reports it");
    assertEquals(callsBefore + 1, store.calls.get(), "global and region were unknown here: the store answered");
    assertEquals(first, join(cache.consume(threeBuckets("caller"))), "then the same answer, locally");
    assertEquals(callsBefore + 1, store.calls.get());
  }

  @Test
  void aClaimOfSeveralTokensOnAnEmptyBucketGetsTheStoresRetryAfter() {
    BucketSpec greedy = new BucketSpec(4, 4, Duration.ofMinutes(1), RefillStyle.GREEDY, 4);
    BucketBatch one = new BucketBatch(List.of(new BucketClaim("g", greedy, 1, 1, true)), "d");
    for (int i = 0; i < 5; i++) {
      cache.consume(one);
    }
    int callsBefore = store.calls.get();
    BatchOutcome three = join(cache.consume(new BucketBatch(List.of(new BucketClaim("g", greedy, 3, 3, true)), "d")));
    assertFalse(three.admitted());
    assertEquals(Duration.ofSeconds(45), three.states().get(0).untilPassing(), "three tokens at one per 15 s");
    assertEquals(callsBefore + 1, store.calls.get());
  }
}
