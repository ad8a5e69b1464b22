package io.egressratelimit.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/** The counters of one rule, labelled by its domain and metric key. */
final class RuleMeters {
  private final Counter total;
  private final Counter withinLimit;
  private final Counter overLimit;
  private final Counter nearLimit;
  private final Counter shadowMode;

  RuleMeters(MeterRegistry registry, String domain, String key) {
    Tags tags = Tags.of("domain", domain, "key", key);
    total = Meters.counter(registry, "ratelimit.hits", "Hits on the rule: each request adds its hits addend", tags);
    withinLimit = Meters.counter(registry, "ratelimit.within.limit", "Hits admitted by the rule", tags);
    overLimit = Meters.counter(registry, "ratelimit.over.limit",
        "Hits over the rule's limit, including would-be denials of shadow-mode rules", tags);
    nearLimit = Meters.counter(registry, "ratelimit.near.limit",
        "Admitted hits that took the bucket past NEAR_LIMIT_RATIO of its capacity", tags);
    shadowMode = Meters.counter(registry, "ratelimit.shadow.mode",
        "Hits a shadow-mode (or quota-mode, or SHADOW_MODE) rule would have denied but admitted", tags);
  }

  void add(HitCounts counts) {
    total.increment(counts.total());
    withinLimit.increment(counts.withinLimit());
    overLimit.increment(counts.overLimit());
    nearLimit.increment(counts.nearLimit());
    shadowMode.increment(counts.shadowMode());
  }
}
