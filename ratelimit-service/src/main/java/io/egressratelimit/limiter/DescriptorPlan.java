package io.egressratelimit.limiter;

import io.egressratelimit.domain.BucketKey;
import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.Rule;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import java.util.Optional;

/**
 * What the engine does for one descriptor of a request.
 *
 * @param rule the configured rule that matched, if any
 * @param metricKey the metrics label, empty when nothing matched
 * @param policy the limit to enforce; empty when the descriptor is not limited
 * @param claim what it asks of its bucket; empty when it is not limited, or when no bucket can
 *     satisfy it ({@link #impossible()})
 * @param enforced an ordinary limit: when it fails, the request is denied
 * @param quota a quota-mode limit (the rule's {@code quota_mode}, or QUOTA_MODE for all): the request
 *     is denied only when every quota descriptor of it fails; neither this nor {@code enforced} means
 *     shadow mode
 */
record DescriptorPlan(
    Optional<Rule> rule,
    String metricKey,
    Optional<LimitPolicy> policy,
    Optional<BucketClaim> claim,
    boolean enforced,
    boolean quota) {

  /**
   * A descriptor no bucket limits.
   *
   * @param quota it still counts as a quota descriptor that passes (QUOTA_MODE for all, as upstream)
   */
  static DescriptorPlan notLimited(Optional<Rule> rule, String metricKey, boolean quota) {
    return new DescriptorPlan(rule, metricKey, Optional.empty(), Optional.empty(), !quota, quota);
  }

  /**
   * A descriptor under {@code policy}, drawing {@code hits} tokens from the bucket of
   * {@code descriptorKey} (0 hits check that one token is there without taking it).
   */
  static DescriptorPlan limited(Optional<Rule> rule, String metricKey, LimitPolicy policy, String descriptorKey,
      long hits, boolean enforced, boolean quota) {
    long required = Math.max(1, hits);
    Optional<BucketClaim> claim = Optional.empty();
    if (policy.requestsPerPeriod() > 0) {
      BucketSpec spec = BucketSpecs.of(policy);
      if (required <= spec.capacity()) {
        String key = BucketKey.withPolicy(descriptorKey, policy);
        claim = Optional.of(new BucketClaim(key, spec, required, hits, enforced));
      }
    }
    return new DescriptorPlan(rule, metricKey, Optional.of(policy), claim, enforced, quota);
  }

  /**
   * A descriptor that settles a call already made, on the bucket of {@code policy}: a post-paid
   * charge or a refund ({@link BucketClaim.Kind}). It never denies, whatever the bucket holds.
   */
  static DescriptorPlan settling(Optional<Rule> rule, String metricKey, LimitPolicy policy, String descriptorKey,
      BucketClaim.Kind kind, long hits) {
    Optional<BucketClaim> claim = Optional.empty();
    if (policy.requestsPerPeriod() > 0) {
      String key = BucketKey.withPolicy(descriptorKey, policy);
      BucketSpec spec = BucketSpecs.of(policy);
      claim = Optional.of(kind == BucketClaim.Kind.CHARGE
          ? BucketClaim.charge(key, spec, hits) : BucketClaim.refund(key, spec, hits));
    }
    return new DescriptorPlan(rule, metricKey, Optional.of(policy), claim, false, false);
  }

  /**
   * The request-time check of a post-paid budget: passes while the bucket holds {@code reservation}
   * tokens, and takes none (the call's cost is charged when it is known).
   */
  static DescriptorPlan balanceCheck(Optional<Rule> rule, String metricKey, LimitPolicy policy, String descriptorKey,
      long reservation, boolean enforced, boolean quota) {
    Optional<BucketClaim> claim = Optional.empty();
    if (policy.requestsPerPeriod() > 0) {
      BucketSpec spec = BucketSpecs.of(policy);
      if (reservation <= spec.capacity()) {
        claim = Optional.of(new BucketClaim(BucketKey.withPolicy(descriptorKey, policy), spec, reservation, 0, enforced));
      }
    }
    return new DescriptorPlan(rule, metricKey, Optional.of(policy), claim, enforced, quota);
  }

  /** A limit no bucket can satisfy: zero requests allowed, or more hits than the bucket holds. */
  boolean impossible() {
    return policy.isPresent() && claim.isEmpty();
  }
}
