package io.egressratelimit.config;

import io.egressratelimit.config.RateLimitBlock.NamedRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The rule names of one domain: each used once, and every {@code replaces} naming one of them. */
final class RuleNames {
  private final String domain;
  private final Map<String, YamlValue> defined = new HashMap<>();
  private final List<NamedRef> references = new ArrayList<>();

  RuleNames(String domain) {
    this.domain = domain;
  }

  void define(NamedRef name) throws ConfigException {
    YamlValue first = defined.putIfAbsent(name.name(), name.at());
    if (first != null) {
      throw name.at().error("duplicate rule name '" + name.name() + "' in domain '" + domain
          + "'; first used at " + first.path());
    }
  }

  void refer(List<NamedRef> replaces) {
    references.addAll(replaces);
  }

  /** Runs once the whole domain is read, since a rule may replace one written after it. */
  void checkReferences() throws ConfigException {
    for (NamedRef reference : references) {
      if (!defined.containsKey(reference.name())) {
        throw reference.at().error("replaces '" + reference.name() + "', but no rule in domain '" + domain
            + "' has that name");
      }
    }
  }
}
