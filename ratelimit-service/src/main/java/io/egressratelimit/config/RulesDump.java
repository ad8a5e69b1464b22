package io.egressratelimit.config;

import io.egressratelimit.domain.Algorithm;
import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.Rule;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Renders the loaded rules as text for {@code GET /rlconfig}: one line per rule, in file order, in
 * envoyproxy/ratelimit's shape ({@code geocode.generic_key_geocode: unit=MINUTE
 * requests_per_unit=100, shadow_mode: false}) followed by whatever else the rule sets.
 */
public final class RulesDump {
  private RulesDump() {}

  public static String render(RateLimitConfig config) {
    StringBuilder text = new StringBuilder();
    for (Rule rule : config.rules()) {
      text.append(line(rule)).append('\n');
    }
    return text.toString();
  }

  static String line(Rule rule) {
    StringBuilder line = new StringBuilder(rule.fullKey()).append(": ");
    // Upstream prints an unlimited rule with an unknown unit and zero requests; so do we.
    line.append(rule.policy().map(RulesDump::window).orElse("unit=UNKNOWN requests_per_unit=0"));
    line.append(", shadow_mode: ").append(rule.shadowMode());
    rule.policy().ifPresent(policy -> appendAlgorithm(line, policy));
    appendIf(line, rule.unlimited(), "unlimited: true");
    appendIf(line, rule.quotaMode(), "quota_mode: true");
    rule.postPaid().ifPresent(postPaid -> line.append(", post_paid: true, reservation: ").append(postPaid.reservation()));
    appendIf(line, rule.detailedMetric(), "detailed_metric: true");
    appendIf(line, rule.valueToMetric(), "value_to_metric: true");
    appendIf(line, rule.shareThreshold(), "share_threshold: true");
    rule.name().ifPresent(name -> line.append(", name: ").append(name));
    appendIf(line, !rule.replaces().isEmpty(), "replaces: " + rule.replaces());
    appendIf(line, !rule.metadata().isEmpty(), "metadata: " + new TreeMap<>(rule.metadata()));
    return line.toString();
  }

  private static String window(LimitPolicy policy) {
    String window = policy.unit()
        .map(unit -> "unit=" + unit.name())
        .orElseGet(() -> "period=" + PeriodSyntax.format(policy.period()));
    return window + " requests_per_unit=" + policy.requestsPerPeriod();
  }

  private static void appendAlgorithm(StringBuilder line, LimitPolicy policy) {
    if (policy.algorithm() != Algorithm.FIXED_WINDOW) {
      line.append(", algorithm: ").append(policy.algorithm().name().toLowerCase(Locale.ROOT))
          .append(", burst: ").append(policy.burst());
    }
  }

  private static void appendIf(StringBuilder line, boolean condition, String field) {
    if (condition) {
      line.append(", ").append(field);
    }
  }
}
