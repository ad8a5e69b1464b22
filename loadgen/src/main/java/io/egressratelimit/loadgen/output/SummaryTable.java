package io.egressratelimit.loadgen.output;

import io.egressratelimit.loadgen.stats.Counts;
import io.egressratelimit.loadgen.stats.LatencySummary;
import io.egressratelimit.loadgen.stats.RunSummary;
import io.egressratelimit.loadgen.stats.Verdict;
import io.egressratelimit.loadgen.units.Durations;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The summary as label/value rows, shared by the terminal printout and the HTML report. */
public final class SummaryTable {
  private SummaryTable() {}

  public static Map<String, String> rows(RunSummary summary) {
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("mode", summary.mode());
    summary.settings().forEach(rows::put);
    Counts counts = summary.counts();
    rows.put("sent", Long.toString(counts.sent()));
    rows.put("2xx", Long.toString(counts.admitted()));
    rows.put("429", Long.toString(counts.rejected()));
    rows.put("5xx", Long.toString(counts.serverErrors()));
    if (counts.otherStatus() > 0) {
      rows.put("other status", Long.toString(counts.otherStatus()));
    }
    rows.put("errors", Long.toString(counts.failed()));
    if (summary.settings().containsKey("failure mode")) {
      rows.put("rls failures", Long.toString(counts.rlsFailures()));
    }
    rows.put("elapsed", String.format(Locale.ROOT, "%.1fs", summary.elapsed().toMillis() / 1000.0));
    rows.put("achieved rate", String.format(Locale.ROOT, "%.2f/s", summary.achievedRate()));
    rows.put("latency", percentiles(summary.latency()));
    rows.put("decision latency", summary.decisionLatency().count() > 0
        ? percentiles(summary.decisionLatency())
        : "inside Envoy, not seen here (Envoy's cluster.ratelimit.upstream_rq_time has it)");
    if (summary.upstreamLatency().count() > 0) {
      rows.put("upstream latency", percentiles(summary.upstreamLatency()));
    }
    Verdict v = summary.verdict();
    rows.put("admitted", v.admittedTotal() + " (counted by the " + v.source().label() + ")");
    if (!v.grace().isZero()) {
      rows.put("window grace", Durations.format(v.grace()) + " (transit jitter allowance)");
    }
    return rows;
  }

  /** e.g. {@code p50 0.41ms  p90 0.80ms  p99 1.90ms  p99.9 4.00ms  max 6.10ms}. */
  public static String percentiles(LatencySummary l) {
    return String.format(
        Locale.ROOT,
        "p50 %s  p90 %s  p99 %s  p99.9 %s  max %s",
        millis(l.p50()),
        millis(l.p90()),
        millis(l.p99()),
        millis(l.p999()),
        millis(l.max()));
  }

  private static String millis(double value) {
    return String.format(Locale.ROOT, "%.2fms", value);
  }
}
