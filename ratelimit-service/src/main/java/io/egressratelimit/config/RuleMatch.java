package io.egressratelimit.config;

import io.egressratelimit.domain.Rule;
import java.util.Objects;

/**
 * The rule that applies to one request descriptor.
 *
 * @param rule the matched rule
 * @param bucketKey identifies the bucket the descriptor draws from: the domain and the request's
 *     entries, with a wildcard value folded to its pattern when the rule shares its threshold
 * @param metricKey the label metrics count this descriptor under: the rule's full key, plus values
 *     only where {@code detailed_metric} or {@code value_to_metric} asks for them
 */
public record RuleMatch(Rule rule, String bucketKey, String metricKey) {
  public RuleMatch {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(bucketKey, "bucketKey");
    Objects.requireNonNull(metricKey, "metricKey");
  }
}
