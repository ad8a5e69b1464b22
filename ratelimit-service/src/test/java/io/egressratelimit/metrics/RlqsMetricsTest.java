package io.egressratelimit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.rlqs.ledger.LedgerFigures;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class RlqsMetricsTest {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final RlqsMetrics metrics = new RlqsMetrics(registry);

  @Test
  void streamsReportsAssignmentsConflictsAndEachRulesLatestLedger() {
    metrics.streams(1);
    metrics.streams(1);
    metrics.streams(-1);
    metrics.usageReported();
    metrics.assignmentSent("token_bucket", true);
    metrics.assignmentSent("token_bucket", true);
    metrics.assignmentSent("deny_all", false);
    metrics.ledgerConflict();
    metrics.ledgerWritten("geocode.generic_key_geocode", new LedgerFigures(3, 30, 4, 2, 3));
    metrics.ledgerWritten("geocode.generic_key_geocode", new LedgerFigures(1, 32, 6, 3, 3));
    String scrape = registry.scrape();
    assertTrue(scrape.contains("ratelimit_rlqs_streams_open 1.0"), scrape);
    assertTrue(scrape.contains("ratelimit_rlqs_usage_reports_total 1.0"), scrape);
    assertTrue(scrape.contains("ratelimit_rlqs_assignments_total{change=\"renewed\",kind=\"token_bucket\"} 2.0"), scrape);
    assertTrue(scrape.contains("ratelimit_rlqs_assignments_total{change=\"new\",kind=\"deny_all\"} 1.0"), scrape);
    assertTrue(scrape.contains("ratelimit_rlqs_ledger_conflicts_total 1.0"), scrape);
    assertTrue(scrape.contains("ratelimit_rlqs_budget_pool_tokens{rule=\"geocode.generic_key_geocode\"} 1.0"), scrape);
    assertTrue(scrape.contains("ratelimit_rlqs_budget_rate_held{rule=\"geocode.generic_key_geocode\"} 32.0"), scrape);
    assertTrue(scrape.contains("ratelimit_rlqs_budget_shares{rule=\"geocode.generic_key_geocode\"} 3.0"), scrape);
    assertEquals(1, scrape.lines().filter(l -> l.startsWith("ratelimit_rlqs_budget_pool_tokens{")).count(),
        "one series per rule, whatever its ledgers");
  }
}
