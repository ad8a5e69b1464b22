package io.egressratelimit.limiter;

import java.util.Objects;

/**
 * What the engine applies besides the limits config.
 *
 * @param requestLimits the bounds a request must stay within to be decided at all
 * @param failurePolicies the answer when the store cannot give one
 * @param shadowModeForAll envoyproxy/ratelimit's global SHADOW_MODE: every limit, including one Envoy
 *     sends in the request, is in shadow mode, so the overall code is always OK while statuses and
 *     metrics still show what would have been denied
 * @param quotaModeForAll envoyproxy/ratelimit's QUOTA_MODE: every descriptor is a quota-mode one, so
 *     a request is denied only when all its descriptors are over
 */
public record EngineSettings(
    RequestLimits requestLimits, FailurePolicies failurePolicies, boolean shadowModeForAll, boolean quotaModeForAll) {
  public static final EngineSettings DEFAULT =
      new EngineSettings(RequestLimits.DEFAULT, FailurePolicies.DEFAULT, false, false);

  public EngineSettings {
    Objects.requireNonNull(requestLimits, "requestLimits");
    Objects.requireNonNull(failurePolicies, "failurePolicies");
  }

  public EngineSettings withFailurePolicies(FailurePolicies policies) {
    return new EngineSettings(requestLimits, policies, shadowModeForAll, quotaModeForAll);
  }

  public EngineSettings withShadowModeForAll(boolean shadowMode) {
    return new EngineSettings(requestLimits, failurePolicies, shadowMode, quotaModeForAll);
  }

  public EngineSettings withQuotaModeForAll(boolean quotaMode) {
    return new EngineSettings(requestLimits, failurePolicies, shadowModeForAll, quotaMode);
  }
}
