package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.store.BucketBatch;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreDeadlineTest {
  private static final Duration BACKEND = Duration.ofMillis(50);
  private static final Duration MARGIN = Duration.ofMillis(2);

  private static StoreDeadline waitFor(long callerWaitNanos) {
    return StoreDeadline.of(new BucketBatch(List.of(), "d", callerWaitNanos), BACKEND, MARGIN);
  }

  @Test
  void withoutACallerDeadlineTheBackendTimeoutApplies() {
    StoreDeadline deadline = StoreDeadline.of(new BucketBatch(List.of()), BACKEND, MARGIN);
    assertEquals(new StoreDeadline(50_000_000, false), deadline);
    assertEquals("50 ms (BACKEND_TIMEOUT)", deadline.describe());
  }

  @Test
  void aShorterCallerDeadlineLessTheMarginWins() {
    StoreDeadline deadline = waitFor(19_620_000);
    assertEquals(new StoreDeadline(17_620_000, true), deadline);
    assertEquals("17.6 ms (what the caller's deadline left)", deadline.describe());
  }

  @Test
  void aLongerCallerDeadlineIsCappedByTheBackendTimeout() {
    assertEquals(new StoreDeadline(50_000_000, false), waitFor(Duration.ofSeconds(5).toNanos()));
    assertEquals(new StoreDeadline(50_000_000, false), waitFor(52_000_000));
  }

  @Test
  void aDeadlineInsideTheMarginLeavesNoTime() {
    assertTrue(waitFor(1_500_000).leavesNoTime());
    assertTrue(waitFor(-3_000_000).leavesNoTime());
    assertFalse(waitFor(2_100_000).leavesNoTime());
  }
}
