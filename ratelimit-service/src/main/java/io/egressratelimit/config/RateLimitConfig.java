package io.egressratelimit.config;

import io.egressratelimit.domain.DescriptorEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The loaded limits: an immutable snapshot. Reload swaps the whole snapshot, never edits one.
 */
public interface RateLimitConfig {

  /**
   * The rule for one request descriptor, with envoyproxy/ratelimit's matching: at each depth
   * key+value is preferred over a wildcard value, which is preferred over key-only; a rule applies
   * only when the descriptor has exactly as many entries as the rule's path.
   */
  Optional<RuleMatch> match(String domain, List<DescriptorEntry> entries);

  Set<String> domains();

  /** Every rule, for /rlconfig and for checks that cross-reference the config. */
  List<io.egressratelimit.domain.Rule> rules();

  /**
   * One descriptor per rule that this config matches to that rule, per domain, in file order: what
   * a replica's warm-up sends to walk the real matching of every rule before it serves. Wildcard
   * and key-only entries get a value of their own making.
   */
  default Map<String, List<List<DescriptorEntry>>> examples() {
    return Map.of();
  }
}
