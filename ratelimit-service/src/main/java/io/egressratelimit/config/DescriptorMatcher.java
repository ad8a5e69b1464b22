package io.egressratelimit.config;

import io.egressratelimit.config.DescriptorLevel.MatchKind;
import io.egressratelimit.config.DescriptorLevel.Step;
import io.egressratelimit.domain.BucketKey;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the rule for one request descriptor, as envoyproxy/ratelimit does: one step per entry, the
 * most specific descriptor at each depth, no backtracking, and a rule only at the last entry.
 */
final class DescriptorMatcher {
  private DescriptorMatcher() {}

  static Optional<RuleMatch> match(String domain, DescriptorLevel root, List<DescriptorEntry> entries) {
    List<Step> path = new ArrayList<>(entries.size());
    DescriptorLevel level = root;
    for (DescriptorEntry entry : entries) {
      Optional<Step> step = level.find(entry);
      if (step.isEmpty()) {
        return Optional.empty();
      }
      path.add(step.get());
      level = step.get().node().children();
    }
    if (path.isEmpty()) {
      return Optional.empty();
    }
    return path.get(path.size() - 1).node().rule()
        .map(rule -> new RuleMatch(rule, bucketKey(domain, entries, path), metricKey(domain, rule, entries, path)));
  }

  /** The request's own values, except where a shared wildcard folds them into its pattern. */
  private static String bucketKey(String domain, List<DescriptorEntry> entries, List<Step> path) {
    BucketKey key = new BucketKey(domain);
    for (int i = 0; i < entries.size(); i++) {
      DescriptorEntry entry = entries.get(i);
      key.entry(entry.key(), isShared(path.get(i)) ? path.get(i).node().value() : entry.value());
    }
    return key.toString();
  }

  /**
   * The rule's full key, with the request's values where {@code detailed_metric} (every depth) or
   * {@code value_to_metric} (its own depth) asks for them; a shared wildcard always shows its pattern.
   */
  private static String metricKey(String domain, Rule rule, List<DescriptorEntry> entries, List<Step> path) {
    StringBuilder key = new StringBuilder(domain);
    for (int i = 0; i < entries.size(); i++) {
      key.append('.').append(metricPart(rule.detailedMetric(), entries.get(i), path.get(i)));
    }
    return key.toString();
  }

  private static String metricPart(boolean detailed, DescriptorEntry entry, Step step) {
    DescriptorNode node = step.node();
    String actual = DescriptorNode.dottedPart(entry.key(), entry.value());
    if (isShared(step)) {
      return node.dottedPart();
    }
    if (detailed) {
      return actual;
    }
    return switch (step.kind()) {
      case EXACT -> actual;
      case WILDCARD, KEY_ONLY -> node.valueToMetric() ? actual : node.dottedPart();
    };
  }

  private static boolean isShared(Step step) {
    return step.kind() == MatchKind.WILDCARD && step.node().shareThreshold();
  }
}
