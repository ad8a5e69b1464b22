package io.egressratelimit.config;

import io.egressratelimit.domain.Rule;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A reload must not lose a budget by accident. A limits file that goes missing (a ConfigMap edit
 * that drops a key, an xDS resource left out) would remove its domain, and the domain's traffic
 * would then be unlimited. So a new config that lacks a domain which has rules in force is refused,
 * unless removal is allowed (ALLOW_DOMAIN_REMOVAL). A start loads any config: a restart, or a Helm
 * upgrade that rolls the pods, removes a domain on purpose.
 */
public final class DomainRemoval {
  /** The setting that allows it, as the refusal names it. */
  public static final String SETTING = "--allow-domain-removal (ALLOW_DOMAIN_REMOVAL=true)";

  /** A refused reload: the domains it would have removed, and why it is refused. */
  public record Refusal(Set<String> domains, ConfigException error) {
    public Refusal {
      domains = Set.copyOf(domains);
    }
  }

  private DomainRemoval() {}

  /**
   * Why {@code next} may not replace {@code inForce}, or empty when it may.
   *
   * @param source where the new config comes from, for the message
   */
  public static Optional<Refusal> refusal(RateLimitConfig inForce, RateLimitConfig next, String source) {
    TreeMap<String, Long> lost = inForce.rules().stream()
        .filter(rule -> !next.domains().contains(rule.domain()))
        .collect(Collectors.groupingBy(Rule::domain, TreeMap::new, Collectors.counting()));
    if (lost.isEmpty()) {
      return Optional.empty();
    }
    String which = lost.entrySet().stream()
        .map(domain -> domain.getKey() + " (" + domain.getValue() + (domain.getValue() == 1 ? " rule)" : " rules)"))
        .collect(Collectors.joining(", "));
    return Optional.of(new Refusal(lost.keySet(), new ConfigException(source + ": the new config has no domain "
        + which + " of those in force; removing a domain leaves its traffic unlimited, so the change is refused. "
        + "To remove it on purpose, restart the service (a start loads any config) or set " + SETTING)));
  }
}
