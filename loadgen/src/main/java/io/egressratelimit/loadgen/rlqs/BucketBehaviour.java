package io.egressratelimit.loadgen.rlqs;

import io.envoyproxy.envoy.type.v3.RateLimitStrategy;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy.BlanketRule;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a bucket does without a live assignment, as its {@code RateLimitQuotaBucketSettings} say.
 *
 * @param noAssignment {@code no_assignment_behavior.fallback_rate_limit}: only a blanket rule, since
 *     Envoy builds no token bucket for a default action
 * @param expiredFallback {@code expired_assignment_behavior.fallback_rate_limit}; empty when unset
 *     (or {@code reuse_last_assignment}, which Envoy does not implement)
 * @param expiredFallbackTimeout {@code expired_assignment_behavior_timeout}; Envoy reads an unset one
 *     as zero, so the fallback then ends at once
 */
public record BucketBehaviour(
    BlanketRule noAssignment, Optional<RateLimitStrategy> expiredFallback, Duration expiredFallbackTimeout) {

  public BucketBehaviour {
    Objects.requireNonNull(noAssignment, "noAssignment");
    Objects.requireNonNull(expiredFallback, "expiredFallback");
    Objects.requireNonNull(expiredFallbackTimeout, "expiredFallbackTimeout");
    if (noAssignment == BlanketRule.UNRECOGNIZED) {
      throw new IllegalArgumentException("noAssignment must be ALLOW_ALL or DENY_ALL");
    }
  }

  RateLimitStrategy noAssignmentStrategy() {
    return RateLimitStrategy.newBuilder().setBlanketRule(noAssignment).build();
  }

  /** Envoy arms its timers with whole seconds only. */
  long expiredFallbackNanos() {
    return Duration.ofSeconds(expiredFallbackTimeout.getSeconds()).toNanos();
  }
}
