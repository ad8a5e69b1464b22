package io.egressratelimit.server;

import io.egressratelimit.grpc.RateLimitHeaders;
import io.egressratelimit.limiter.FailurePolicies;
import java.util.Objects;
import java.util.Optional;

/**
 * How answers are made and told.
 *
 * @param failurePolicies what a request gets when the store cannot answer
 * @param shadowModeForAll the global shadow mode (SHADOW_MODE): nothing is ever denied
 * @param nearLimitRatio the share of a bucket's capacity past which admitted hits count as near the limit
 * @param responseHeaders the budget headers added to every answer; empty adds none
 */
public record DecisionSettings(FailurePolicies failurePolicies, boolean shadowModeForAll, double nearLimitRatio,
    Optional<RateLimitHeaders> responseHeaders) {
  public DecisionSettings {
    Objects.requireNonNull(failurePolicies, "failurePolicies");
    Objects.requireNonNull(responseHeaders, "responseHeaders");
  }

  public DecisionSettings withFailurePolicies(FailurePolicies policies) {
    return new DecisionSettings(policies, shadowModeForAll, nearLimitRatio, responseHeaders);
  }

  public DecisionSettings withShadowModeForAll(boolean shadowMode) {
    return new DecisionSettings(failurePolicies, shadowMode, nearLimitRatio, responseHeaders);
  }

  public DecisionSettings withResponseHeaders(Optional<RateLimitHeaders> headers) {
    return new DecisionSettings(failurePolicies, shadowModeForAll, nearLimitRatio, headers);
  }
}
