package io.egressratelimit.metrics;

import io.egressratelimit.rlqs.ledger.LedgerFigures;
import io.egressratelimit.rlqs.ledger.QuotaMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Rate Limit Quota Service's metrics. Labels stay bounded: the kind of answer, and a rule's
 * dotted path (one series per RLQS rule, whatever its descriptor values or the number of Envoys).
 * A rule with one ledger per value (a key-only rule) shows the ledger this replica wrote last.
 */
public final class RlqsMetrics implements QuotaMetrics {
  private final MeterRegistry registry;
  private final AtomicLong openStreams = new AtomicLong();
  private final Counter usages;
  private final Counter unanswered;
  private final Counter conflicts;
  private final Map<String, Counter> assignments = new ConcurrentHashMap<>();
  private final Map<String, AtomicReference<LedgerFigures>> ledgers = new ConcurrentHashMap<>();

  public RlqsMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("ratelimit.rlqs.streams.open", openStreams, AtomicLong::get)
        .description("StreamRateLimitQuotas streams open on this replica: one per Envoy (and RLQS server and domain) "
            + "streaming to it")
        .register(registry);
    usages = Counter.builder("ratelimit.rlqs.usage.reports")
        .description("Bucket usages received in Envoys' usage reports (Envoy 1.40 sends each bucket every 5 s, and a "
            + "new bucket at once)")
        .register(registry);
    unanswered = Counter.builder("ratelimit.rlqs.usage.unanswered")
        .description("Bucket usages left unanswered because the ledger could not be read or written; the Envoy keeps "
            + "its assignment until its time to live")
        .register(registry);
    conflicts = Counter.builder("ratelimit.rlqs.ledger.conflicts")
        .description("Ledger writes that found the ledger changed by another replica and were tried again "
            + "(compare-and-set retries)")
        .register(registry);
    // every answer's series from the start, so a dashboard shows zeros rather than nothing
    for (String kind : new String[] {"token_bucket", "deny_all"}) {
      counter(kind, true);
      counter(kind, false);
    }
    counter("abandon", false);
  }

  @Override
  public void streams(int change) {
    openStreams.addAndGet(change);
  }

  @Override
  public void usageReported() {
    usages.increment();
  }

  @Override
  public void assignmentSent(String kind, boolean renewed) {
    counter(kind, renewed).increment();
  }

  private Counter counter(String kind, boolean renewed) {
    return assignments.computeIfAbsent(kind + (renewed ? "/renewed" : "/new"), k -> Counter.builder("ratelimit.rlqs.assignments")
        .description("Answers sent to Envoys: token_bucket, deny_all or abandon; renewed when the same share was sent "
            + "again (Envoy keeps its bucket), new when it changed (Envoy builds a new bucket)")
        .tag("kind", kind)
        .tag("change", renewed ? "renewed" : "new")
        .register(registry));
  }

  @Override
  public void reportUnanswered() {
    unanswered.increment();
  }

  @Override
  public void ledgerConflict() {
    conflicts.increment();
  }

  @Override
  public void ledgerWritten(String ruleKey, LedgerFigures figures) {
    AtomicReference<LedgerFigures> latest = ledgers.get(ruleKey);
    if (latest == null) {
      AtomicReference<LedgerFigures> created = new AtomicReference<>(figures);
      latest = ledgers.putIfAbsent(ruleKey, created);
      if (latest == null) {
        register(ruleKey, created);
        return;
      }
    }
    latest.set(figures);
  }

  private void register(String ruleKey, AtomicReference<LedgerFigures> figures) {
    Gauge.builder("ratelimit.rlqs.budget.pool.tokens", figures, f -> f.get().poolTokens())
        .description("Tokens of the budget no Envoy holds, which pay the burst of new shares")
        .tag("rule", ruleKey).strongReference(true).register(registry);
    Gauge.builder("ratelimit.rlqs.budget.rate.held", figures, f -> f.get().rateHeld())
        .description("Tokens per period the Envoys' shares of the budget hold, replaced ones included until they "
            + "are certainly over")
        .tag("rule", ruleKey).strongReference(true).register(registry);
    Gauge.builder("ratelimit.rlqs.budget.burst.held", figures, f -> f.get().burstHeld())
        .description("Tokens of burst the Envoys' shares of the budget hold or were paid for")
        .tag("rule", ruleKey).strongReference(true).register(registry);
    Gauge.builder("ratelimit.rlqs.budget.shares", figures, f -> f.get().shares())
        .description("Envoys (streams) holding a token-bucket share of the budget")
        .tag("rule", ruleKey).strongReference(true).register(registry);
    Gauge.builder("ratelimit.rlqs.budget.subscribers", figures, f -> f.get().subscribers())
        .description("Envoys (streams) the budget's ledger knows, with or without a share")
        .tag("rule", ruleKey).strongReference(true).register(registry);
  }
}
