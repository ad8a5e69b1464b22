package io.egressratelimit.limiter;

import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.Rule;
import java.util.Optional;

/**
 * What the engine does for one descriptor of a request.
 *
 * @param rule the configured rule that matched, if any
 * @param metricKey the metrics label, empty when nothing matched
 * @param policy the limit to enforce; empty when the descriptor is not limited
 * @param bucketKey the bucket it draws from (meaningful only with a policy)
 * @param required tokens that must be available
 * @param consume tokens taken when admitted (0 for a check)
 * @param enforced an ordinary limit: when it fails, the request is denied
 * @param quota a quota-mode limit (the rule's {@code quota_mode}, or QUOTA_MODE for all): the request
 *     is denied only when every quota descriptor of it fails; neither this nor {@code enforced} means
 *     report only (shadow mode)
 */
record DescriptorPlan(
    Optional<Rule> rule,
    String metricKey,
    Optional<LimitPolicy> policy,
    String bucketKey,
    long required,
    long consume,
    boolean enforced,
    boolean quota) {

  /**
   * A descriptor no bucket limits.
   *
   * @param quota it still counts as a quota descriptor that passes (QUOTA_MODE for all, as upstream)
   */
  static DescriptorPlan notLimited(Optional<Rule> rule, String metricKey, boolean quota) {
    return new DescriptorPlan(rule, metricKey, Optional.empty(), "", 0, 0, !quota, quota);
  }

  /** A limit no bucket can satisfy: zero requests allowed, or more hits than the bucket holds. */
  boolean impossible() {
    return policy.map(p -> p.requestsPerPeriod() == 0 || required > BucketSpecs.of(p).capacity()).orElse(false);
  }
}
