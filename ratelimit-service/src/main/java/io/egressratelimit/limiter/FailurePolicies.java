package io.egressratelimit.limiter;

import java.util.Map;
import java.util.Objects;

/** The failure policy of each domain, with a default for the rest. */
public record FailurePolicies(FailurePolicy fallback, Map<String, FailurePolicy> byDomain) {
  public static final FailurePolicies DEFAULT = new FailurePolicies(FailurePolicy.UNAVAILABLE, Map.of());

  public FailurePolicies {
    Objects.requireNonNull(fallback, "fallback");
    byDomain = Map.copyOf(byDomain);
  }

  public FailurePolicy forDomain(String domain) {
    return byDomain.getOrDefault(domain, fallback);
  }

  /** Parses {@code geocode=deny,maps=allow}; an empty text gives no overrides. */
  public static Map<String, FailurePolicy> parseOverrides(String text) {
    java.util.LinkedHashMap<String, FailurePolicy> overrides = new java.util.LinkedHashMap<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected domain=policy, got '" + part.trim() + "'");
      }
      overrides.put(part.substring(0, eq).trim(), FailurePolicy.parse(part.substring(eq + 1)));
    }
    return overrides;
  }
}
