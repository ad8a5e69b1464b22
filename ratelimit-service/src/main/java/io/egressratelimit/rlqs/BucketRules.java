package io.egressratelimit.rlqs;

import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.config.RuleMatch;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.rlqs.ledger.QuotaAssigner;
import io.egressratelimit.rlqs.ledger.QuotaBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Maps a {@code BucketId} to its RLQS rule: the map's entries are the descriptor's entries, in the
 * first order of its keys (alphabetically) whose descriptor matches a rule with {@code rlqs: true}.
 * A map has no order, and a rule path does, hence the search; six entries make 720 orders at most.
 */
final class BucketRules {
  static final int MAX_ENTRIES = 6;

  private final Supplier<RateLimitConfig> config;

  BucketRules(Supplier<RateLimitConfig> config) {
    this.config = config;
  }

  Optional<QuotaRule> ruleFor(String domain, Map<String, String> bucket) {
    if (bucket.isEmpty() || bucket.size() > MAX_ENTRIES) {
      return Optional.empty();
    }
    RateLimitConfig rules = config.get();
    List<String> keys = new ArrayList<>(new TreeMap<>(bucket).keySet());
    do {
      List<DescriptorEntry> entries = keys.stream().map(k -> new DescriptorEntry(k, bucket.get(k))).toList();
      Optional<QuotaRule> rule = rules.match(domain, entries).flatMap(BucketRules::quotaRule);
      if (rule.isPresent()) {
        return rule;
      }
    } while (nextPermutation(keys));
    return Optional.empty();
  }

  private static Optional<QuotaRule> quotaRule(RuleMatch match) {
    if (!match.rule().rlqs() || match.rule().policy().isEmpty()) {
      return Optional.empty();
    }
    return QuotaBudget.of(match.rule().policy().get()).map(budget ->
        new QuotaRule(QuotaAssigner.ledgerKey(match.bucketKey(), budget), budget, match.rule().fullKey()));
  }

  /** Rearranges the keys into the next order alphabetically; false after the last. */
  static boolean nextPermutation(List<String> keys) {
    int i = keys.size() - 2;
    while (i >= 0 && keys.get(i).compareTo(keys.get(i + 1)) >= 0) {
      i--;
    }
    if (i < 0) {
      return false;
    }
    int j = keys.size() - 1;
    while (keys.get(j).compareTo(keys.get(i)) <= 0) {
      j--;
    }
    java.util.Collections.swap(keys, i, j);
    java.util.Collections.reverse(keys.subList(i + 1, keys.size()));
    return true;
  }
}
