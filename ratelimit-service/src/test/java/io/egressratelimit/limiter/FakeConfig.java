package io.egressratelimit.limiter;

import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.config.RuleMatch;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A config that matches descriptors exactly, so engine tests need no YAML. */
final class FakeConfig implements RateLimitConfig {
  private final Map<List<DescriptorEntry>, Rule> rules = new HashMap<>();

  FakeConfig with(Rule rule, DescriptorEntry... path) {
    rules.put(List.of(path), rule);
    return this;
  }

  static Rule rule(String fullKey, LimitPolicy policy) {
    return new Rule("test", fullKey, Optional.of(policy), false, false, false, false, false,
        Optional.empty(), List.of(), Map.of());
  }

  static Rule unlimited(String fullKey) {
    return new Rule("test", fullKey, Optional.empty(), false, false, false, false, false,
        Optional.empty(), List.of(), Map.of());
  }

  @Override
  public Optional<RuleMatch> match(String domain, List<DescriptorEntry> entries) {
    if (!domain.equals("test")) {
      return Optional.empty();
    }
    return Optional.ofNullable(rules.get(entries))
        .map(rule -> new RuleMatch(rule, "test|" + entries, rule.fullKey()));
  }

  @Override
  public Set<String> domains() {
    return Set.of("test");
  }

  @Override
  public List<Rule> rules() {
    return new ArrayList<>(rules.values());
  }
}
