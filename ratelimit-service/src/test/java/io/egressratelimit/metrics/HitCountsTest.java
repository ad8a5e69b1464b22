package io.egressratelimit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.egressratelimit.domain.DescriptorStatus;
import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.RateUnit;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HitCountsTest {
  private static final LimitPolicy TEN_PER_MINUTE = LimitPolicy.fixedWindow(10, RateUnit.MINUTE);

  private static DescriptorStatus ok(long remaining) {
    return DescriptorStatus.ok(Optional.empty(), "k", Optional.of(TEN_PER_MINUTE), remaining, Duration.ofSeconds(30));
  }

  @Test
  void hitsBelowTheNearLimitThresholdAreOnlyWithinTheLimit() {
    assertEquals(new HitCounts(1, 1, 0, 0, 0), HitCounts.of(ok(2), 1, 0.8), "8 of 10 used is not past 8");
  }

  @Test
  void onlyTheHitsPastTheThresholdAreNearTheLimit() {
    assertEquals(new HitCounts(3, 3, 0, 1, 0), HitCounts.of(ok(1), 3, 0.8), "6 → 9 used: one hit past 8");
    assertEquals(new HitCounts(1, 1, 0, 1, 0), HitCounts.of(ok(0), 1, 0.8), "9 → 10 used: past 8 already");
  }

  @Test
  void theRatioMovesTheThreshold() {
    assertEquals(new HitCounts(1, 1, 0, 1, 0), HitCounts.of(ok(4), 1, 0.5), "6 of 10 used is past 5");
    assertEquals(new HitCounts(1, 1, 0, 0, 0), HitCounts.of(ok(0), 1, 1.0), "a ratio of 1 is never near");
  }

  @Test
  void aDenialIsOverTheLimitOnly() {
    DescriptorStatus over = DescriptorStatus.overLimit(Optional.empty(), "k", Optional.of(TEN_PER_MINUTE),
        0, Duration.ofSeconds(5));
    assertEquals(new HitCounts(2, 0, 2, 0, 0), HitCounts.of(over, 2, 0.8));
  }

  @Test
  void aWouldBeDenialOfAShadowModeRuleIsOverTheLimitAndShadowMode() {
    DescriptorStatus shadowed = DescriptorStatus.shadowOverLimit(Optional.empty(), "k", Optional.of(TEN_PER_MINUTE),
        0, Duration.ofSeconds(5));
    assertEquals(new HitCounts(1, 0, 1, 0, 1), HitCounts.of(shadowed, 1, 0.8));
  }

  @Test
  void anUnlimitedRuleCountsItsHitsAsWithinTheLimit() {
    assertEquals(new HitCounts(4, 4, 0, 0, 0), HitCounts.of(DescriptorStatus.unlimited(Optional.empty(), "k"), 4, 0.8));
  }
}
