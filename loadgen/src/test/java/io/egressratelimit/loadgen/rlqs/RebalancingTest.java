package io.egressratelimit.loadgen.rlqs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RebalancingTest {
  private static final long SECOND = 1_000_000_000L;
  private final DemandPlan plan = new DemandPlan(3, Optional.of(Duration.ofSeconds(10)));

  @Test
  void theTimeIsUntilTheNewEnvoyHoldsMostOfTheOldShare() {
    ShareLog shares = new ShareLog();
    shares.record(0, 1 * SECOND, 8);
    shares.record(2, 1 * SECOND, 1);
    shares.record(0, 11 * SECOND, 4);
    shares.record(2, 12 * SECOND, 5);
    shares.record(2, 13_500_000_000L, 7.2);
    assertEquals("rebalancing: demand moved from envoy 1 to envoy 3 at 10s; envoy 3 was assigned 75% of envoy 1's former 8/s after 3.5s",
        Rebalancing.line(shares, plan, 10 * SECOND, Duration.ofSeconds(10)));
  }

  @Test
  void aShareThatNeverCameIsSaid() {
    ShareLog shares = new ShareLog();
    shares.record(0, 1 * SECOND, 8);
    shares.record(2, 12 * SECOND, 2);
    assertEquals("rebalancing: demand moved from envoy 1 to envoy 3 at 10s; envoy 3 was not assigned 75% of envoy 1's former 8/s before the run ended",
        Rebalancing.line(shares, plan, 10 * SECOND, Duration.ofSeconds(10)));
  }

  @Test
  void withoutATokenBucketShareBeforeTheMoveThereIsNothingToCompare() {
    assertEquals("rebalancing: demand moved from envoy 1 to envoy 3 at 10s; envoy 1 held no token-bucket share then, so there is nothing to compare",
        Rebalancing.line(new ShareLog(), plan, 10 * SECOND, Duration.ofSeconds(10)));
  }

  @Test
  void demandGoesRoundRobinOrMovesOnce() {
    DemandPlan spread = new DemandPlan(3, Optional.empty());
    assertEquals(0, spread.envoyFor(0, Duration.ZERO));
    assertEquals(1, spread.envoyFor(1, Duration.ZERO));
    assertEquals(0, spread.envoyFor(3, Duration.ZERO));
    assertEquals(0, plan.envoyFor(5, Duration.ofMillis(9_999)));
    assertEquals(2, plan.envoyFor(6, Duration.ofSeconds(10)));
  }
}
