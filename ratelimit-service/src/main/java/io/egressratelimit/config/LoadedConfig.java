package io.egressratelimit.config;

import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.Rule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The immutable snapshot of every loaded domain. */
final class LoadedConfig implements RateLimitConfig {
  private final Map<String, DomainConfig> domains;
  private final List<Rule> rules;

  private LoadedConfig(Map<String, DomainConfig> domains, List<Rule> rules) {
    this.domains = domains;
    this.rules = rules;
  }

  /** Combines files in the given order; a domain may appear in only one of them. */
  static LoadedConfig of(List<DomainConfig> files) throws ConfigException {
    Map<String, DomainConfig> domains = new LinkedHashMap<>();
    List<Rule> rules = new ArrayList<>();
    for (DomainConfig file : files) {
      DomainConfig first = domains.putIfAbsent(file.domain(), file);
      if (first != null) {
        throw ConfigErrors.at(file.fileName(), "domain", "duplicate domain '" + file.domain()
            + "'; already defined in " + first.fileName(), file.domainLine());
      }
      rules.addAll(file.rules());
    }
    return new LoadedConfig(Collections.unmodifiableMap(domains), List.copyOf(rules));
  }

  @Override
  public Optional<RuleMatch> match(String domain, List<DescriptorEntry> entries) {
    DomainConfig config = domains.get(domain);
    if (config == null) {
      return Optional.empty();
    }
    return DescriptorMatcher.match(domain, config.root(), entries);
  }

  @Override
  public Set<String> domains() {
    return domains.keySet();
  }

  @Override
  public List<Rule> rules() {
    return rules;
  }
}
