package io.egressratelimit.config;

import io.egressratelimit.domain.DescriptorEntry;
import java.util.List;
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
}
