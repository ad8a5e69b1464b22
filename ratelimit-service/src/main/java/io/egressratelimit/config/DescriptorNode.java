package io.egressratelimit.config;

import io.egressratelimit.domain.Rule;
import java.util.Optional;

/**
 * One descriptor of the loaded tree: what it matches, the rule at it (if any) and the level below.
 *
 * @param key the descriptor key
 * @param value the configured value; empty for a key-only descriptor, holding {@code *} for a wildcard
 * @param rule the rule this descriptor carries, when it has a {@code rate_limit}
 * @param valueToMetric metric keys carry the request's value at this depth
 * @param shareThreshold every value matching this wildcard draws from one bucket
 * @param children the nested descriptors
 * @param fileName the file it was written in, for errors that involve two files
 * @param path where in that file
 * @param line the line in that file
 */
record DescriptorNode(
    String key,
    String value,
    Optional<Rule> rule,
    boolean valueToMetric,
    boolean shareThreshold,
    DescriptorLevel children,
    String fileName,
    String path,
    int line) {

  boolean isKeyOnly() {
    return value.isEmpty();
  }

  boolean isWildcard() {
    return WildcardPattern.isPattern(value);
  }

  /** This descriptor's part of a dotted key, as envoyproxy/ratelimit writes it: {@code key} or {@code key_value}. */
  String dottedPart() {
    return dottedPart(key, value);
  }

  static String dottedPart(String key, String value) {
    return value.isEmpty() ? key : key + "_" + value;
  }
}
