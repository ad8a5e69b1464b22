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
    return of(files, false);
  }

  /**
   * Combines files in the given order.
   *
   * @param mergeDomains envoyproxy/ratelimit's MERGE_DOMAIN_CONFIG: a domain in several files gets
   *     the top-level descriptors of all of them (the same descriptor twice is still an error);
   *     without it a domain may appear in only one file
   */
  static LoadedConfig of(List<DomainConfig> files, boolean mergeDomains) throws ConfigException {
    Map<String, DomainConfig> domains = new LinkedHashMap<>();
    List<Rule> rules = new ArrayList<>();
    for (DomainConfig file : files) {
      DomainConfig first = domains.get(file.domain());
      if (first == null) {
        domains.put(file.domain(), file);
      } else if (mergeDomains) {
        domains.put(file.domain(), merge(first, file));
      } else {
        throw ConfigErrors.at(file.fileName(), "domain", "duplicate domain '" + file.domain()
            + "'; already defined in " + first.fileName()
            + " (set MERGE_DOMAIN_CONFIG=true to merge a domain across files)", file.domainLine());
      }
      rules.addAll(file.rules());
    }
    return new LoadedConfig(Collections.unmodifiableMap(domains), List.copyOf(rules));
  }

  private static DomainConfig merge(DomainConfig earlier, DomainConfig later) throws ConfigException {
    List<DescriptorNode> nodes = new ArrayList<>(earlier.root().nodes());
    for (DescriptorNode added : later.root().nodes()) {
      for (DescriptorNode existing : earlier.root().nodes()) {
        if (existing.key().equals(added.key()) && existing.value().equals(added.value())) {
          throw ConfigErrors.at(added.fileName(), added.path(), "duplicate descriptor composite key '"
              + later.domain() + "." + added.dottedPart() + "'; first defined in " + existing.fileName() + " at "
              + existing.path(), added.line());
        }
      }
      nodes.add(added);
    }
    List<Rule> rules = new ArrayList<>(earlier.rules());
    rules.addAll(later.rules());
    return new DomainConfig(earlier.domain(), earlier.fileName(), earlier.domainLine(), new DescriptorLevel(nodes),
        rules);
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

  @Override
  public Map<String, List<List<DescriptorEntry>>> examples() {
    Map<String, List<List<DescriptorEntry>>> examples = new LinkedHashMap<>();
    domains.forEach((name, domain) -> {
      List<List<DescriptorEntry>> found = new ArrayList<>();
      addExamples(domain.root(), new ArrayList<>(), found);
      // A descriptor the tree leads to may match another rule (a wildcard listed before this one),
      // or none (a wildcard listed before a nested one); the matching itself says.
      found.removeIf(entries -> match(name, entries).isEmpty());
      examples.put(name, List.copyOf(found));
    });
    return Collections.unmodifiableMap(examples);
  }

  private static void addExamples(DescriptorLevel level, List<DescriptorEntry> path, List<List<DescriptorEntry>> found) {
    for (DescriptorNode node : level.nodes()) {
      path.add(new DescriptorEntry(node.key(), exampleValue(node)));
      if (node.rule().isPresent()) {
        found.add(List.copyOf(path));
      }
      addExamples(node.children(), path, found);
      path.remove(path.size() - 1);
    }
  }

  /** A value the node matches: its own, its pattern with every {@code *} matching nothing, or any for a key alone. */
  private static String exampleValue(DescriptorNode node) {
    if (node.isKeyOnly()) {
      return "warmup";
    }
    return node.isWildcard() ? node.value().replace("*", "") : node.value();
  }
}
