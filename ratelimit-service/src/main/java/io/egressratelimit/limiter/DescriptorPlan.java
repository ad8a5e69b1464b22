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
 * @param enforced false for shadow-mode and quota-mode rules, which only report
 */
record DescriptorPlan(
    Optional<Rule> rule,
    String metricKey,
    Optional<LimitPolicy> policy,
    String bucketKey,
    long required,
    long consume,
    boolean enforced) {

  static DescriptorPlan notLimited(Optional<Rule> rule, String metricKey) {
    return new DescriptorPlan(rule, metricKey, Optional.empty(), "", 0, 0, true);
  }

  /** A limit no bucket can satisfy: zero requests allowed, or more hits than the bucket holds. */
  boolean impossible() {
    return policy.map(p -> p.requestsPerPeriod() == 0 || required > BucketSpecs.of(p).capacity()).orElse(false);
  }
}
