package io.egressratelimit.testing.rlqs;

import io.envoyproxy.envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaBucketSettings;
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
 * @param expiredFallback {@code expired_assignment_behavior.fallback_rate_limit}; empty when unset,
 *     and for {@code reuse_last_assignment}, which Envoy 1.40 does not implement: the bucket goes back
 *     to its no-assignment behaviour as if no expired behaviour were set
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

  /** What Envoy makes of a bucket's settings; {@code reporting_interval} is not among it (Envoy reports every 5 s). */
  public static BucketBehaviour of(RateLimitQuotaBucketSettings settings) {
    BlanketRule noAssignment = settings.getNoAssignmentBehavior().getFallbackRateLimit().hasBlanketRule()
        ? settings.getNoAssignmentBehavior().getFallbackRateLimit().getBlanketRule()
        : BlanketRule.ALLOW_ALL;
    RateLimitQuotaBucketSettings.ExpiredAssignmentBehavior expired = settings.getExpiredAssignmentBehavior();
    Optional<RateLimitStrategy> fallback = expired.hasFallbackRateLimit()
        ? Optional.of(expired.getFallbackRateLimit()) : Optional.empty();
    com.google.protobuf.Duration timeout = expired.getExpiredAssignmentBehaviorTimeout();
    return new BucketBehaviour(noAssignment, fallback, Duration.ofSeconds(timeout.getSeconds(), timeout.getNanos()));
  }

  RateLimitStrategy noAssignmentStrategy() {
    return RateLimitStrategy.newBuilder().setBlanketRule(noAssignment).build();
  }

  /** Envoy arms its timers with whole seconds only. */
  long expiredFallbackNanos() {
    return Duration.ofSeconds(expiredFallbackTimeout.getSeconds()).toNanos();
  }
}
