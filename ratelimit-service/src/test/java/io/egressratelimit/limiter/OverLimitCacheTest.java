package io.egressratelimit.limiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.BucketSpec.RefillStyle;
import io.egressratelimit.memory.InMemoryBucketStore;
import java.time.Duration;
import java.util.List;
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
  void aReportOnlyClaimOnAnEmptyBucketDoesNotDeny() {
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
    assertEquals(2, cache.size());
    int callsBefore = store.calls.get();
    assertFalse(hit("c", true).admitted(), "an uncached empty bucket is still denied, by the store");
    assertEquals(callsBefore + 1, store.calls.get());
  }
}
