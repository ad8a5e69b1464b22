package io.egressratelimit.limiter;

import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.config.RuleMatch;
import io.egressratelimit.domain.BucketKey;
import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.LimitRequest;
import io.egressratelimit.domain.RequestDescriptor;
import io.egressratelimit.domain.Rule;
import io.egressratelimit.limiter.store.BucketClaim;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Looks up the rule for each descriptor and decides what each one claims from its bucket. */
final class DescriptorPlanner {
  private final boolean shadowModeForAll;
  private final boolean quotaModeForAll;

  /**
   * @param shadowModeForAll envoyproxy/ratelimit's SHADOW_MODE: every limit is in shadow mode
   * @param quotaModeForAll envoyproxy/ratelimit's QUOTA_MODE: every descriptor counts as quota mode
   *     (an unlimited one excepted), whatever its rule says
   */
  DescriptorPlanner(boolean shadowModeForAll, boolean quotaModeForAll) {
    this.shadowModeForAll = shadowModeForAll;
    this.quotaModeForAll = quotaModeForAll && !shadowModeForAll;
  }

  List<DescriptorPlan> plan(LimitRequest request, RateLimitConfig config) {
    List<Optional<RuleMatch>> matches = new ArrayList<>();
    for (RequestDescriptor descriptor : request.descriptors()) {
      matches.add(config.match(request.domain(), descriptor.entries()));
    }
    Set<String> replaced = replacedNames(request, matches);
    List<DescriptorPlan> plans = new ArrayList<>();
    for (int i = 0; i < request.descriptors().size(); i++) {
      plans.add(planOne(request, request.descriptors().get(i), matches.get(i), replaced));
    }
    return plans;
  }

  /** As in envoyproxy/ratelimit: a limit named by another matched limit's {@code replaces} is dropped. */
  private static Set<String> replacedNames(LimitRequest request, List<Optional<RuleMatch>> matches) {
    Set<String> replaced = new HashSet<>();
    for (int i = 0; i < matches.size(); i++) {
      if (request.descriptors().get(i).limitOverride().isPresent()) {
        continue;
      }
      matches.get(i).ifPresent(match -> replaced.addAll(match.rule().replaces()));
    }
    return replaced;
  }

  private DescriptorPlan planOne(
      LimitRequest request, RequestDescriptor descriptor, Optional<RuleMatch> match, Set<String> replaced) {
    long hits = descriptor.hitsAddend().orElse(request.effectiveHits());
    Optional<Rule> rule = match.map(RuleMatch::rule);
    String metricKey = match.map(RuleMatch::metricKey).orElse("");

    if (descriptor.limitOverride().isPresent()) {
      // Envoy's override replaces the configured limit; like envoyproxy/ratelimit it is enforced
      // even when the matched rule is in shadow mode; only the service-wide shadow mode spares it.
      var override = descriptor.limitOverride().get();
      LimitPolicy policy = LimitPolicy.fixedWindow(override.requestsPerUnit(), override.unit());
      String key = BucketKey.of(request.domain(), descriptor.entries());
      String overrideMetricKey = metricKey.isEmpty() ? request.domain() + "." + descriptor : metricKey;
      if (descriptor.refund()) {
        return DescriptorPlan.settling(rule, overrideMetricKey, policy, key, BucketClaim.Kind.REFUND, hits);
      }
      return DescriptorPlan.limited(rule, overrideMetricKey, policy, key, hits,
          !shadowModeForAll && !quotaModeForAll, quotaModeForAll);
    }
    if (match.isEmpty()) {
      return DescriptorPlan.notLimited(Optional.empty(), "", quotaModeForAll);
    }
    Rule matched = match.get().rule();
    if (matched.unlimited()) {
      return DescriptorPlan.notLimited(rule, metricKey, false);
    }
    boolean isReplaced = matched.name().map(replaced::contains).orElse(false);
    if (isReplaced) {
      return DescriptorPlan.notLimited(rule, metricKey, quotaModeForAll);
    }
    boolean counts = !shadowModeForAll && !matched.shadowMode();
    boolean quota = counts && (quotaModeForAll || matched.quotaMode());
    LimitPolicy policy = matched.policy().orElseThrow();
    String bucketKey = match.get().bucketKey();
    if (descriptor.refund()) {
      return DescriptorPlan.settling(rule, metricKey, policy, bucketKey, BucketClaim.Kind.REFUND, hits);
    }
    if (matched.postPaid().isPresent()) {
      // A post-paid budget: hits_addend 0 is the request-time check, any other count a charge.
      return hits == 0
          ? DescriptorPlan.balanceCheck(rule, metricKey, policy, bucketKey, matched.postPaid().get().reservation(),
              counts && !quota, quota)
          : DescriptorPlan.settling(rule, metricKey, policy, bucketKey, BucketClaim.Kind.CHARGE, hits);
    }
    return DescriptorPlan.limited(rule, metricKey, policy, bucketKey, hits, counts && !quota, quota);
  }
}
