package io.egressratelimit.loadgen.output;

import io.egressratelimit.loadgen.stats.CostVerdict;
import io.egressratelimit.loadgen.stats.RunSummary;
import io.egressratelimit.loadgen.stats.SecondCounts;
import io.egressratelimit.loadgen.stats.Verdict;
import io.egressratelimit.loadgen.units.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.ToLongFunction;

/**
 * A self-contained HTML page of one run: calls per second with the budget's average rate, the
 * trailing budget window against the budget, and the summary table. Inline SVG and CSS only, and a
 * Content-Security-Policy that forbids loading anything, so the page can be mailed or archived and
 * opened offline.
 */
public final class HtmlReportWriter {
  private HtmlReportWriter() {}

  public static void write(RunSummary summary, Path file) throws IOException {
    Files.writeString(file, render(summary), StandardCharsets.UTF_8);
  }

  public static String render(RunSummary summary) {
    Verdict verdict = summary.verdict();
    String window = Durations.format(verdict.window());
    List<SecondCounts> seconds = summary.perSecond();
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
        .append("<title>loadgen report: ").append(Html.escape(verdict.line())).append("</title>\n")
        .append("<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#212121;max-width:960px}\n")
        .append(".verdict{font-size:1.3em;font-weight:bold;padding:.5em .8em;border-radius:4px}\n")
        .append(".held{background:#e8f5e9;color:#1b5e20}.exceeded{background:#ffebee;color:#b71c1c}\n")
        .append("table{border-collapse:collapse}td{padding:.2em 1em .2em 0;vertical-align:top}\n")
        .append("td:first-child{color:#616161}.legend span{margin-right:1.5em}\n")
        .append("</style>\n</head>\n<body>\n")
        .append("<h1>Load run (").append(Html.escape(summary.mode())).append(")</h1>\n")
        .append("<p class=\"verdict ").append(verdict.held() ? "held" : "exceeded").append("\">")
        .append(Html.escape(verdict.line())).append("</p>\n")
        .append(verdict.cost().map(c -> "<p class=\"verdict " + (c.held() ? "held" : "exceeded") + "\">"
            + Html.escape(c.line()) + "</p>\n").orElse(""))
        .append("<p>Started ").append(Html.escape(summary.startedAt().truncatedTo(ChronoUnit.SECONDS).toString()))
        .append("; admitted calls counted by the ").append(Html.escape(verdict.source().label()))
        .append(".</p>\n");

    html.append("<h2>Calls per second</h2>\n")
        .append("<p class=\"legend\"><span style=\"color:#2e7d32\">&#9632; admitted (2xx)</span>")
        .append("<span style=\"color:#ef6c00\">&#9632; rejected (429)</span>")
        .append("<span style=\"color:#757575\">&#9632; errors</span>");
    OptionalDouble averageRate = OptionalDouble.empty();
    if (verdict.budget().isPresent()) {
      double rate = verdict.budget().getAsInt() / (verdict.window().toMillis() / 1000.0);
      averageRate = OptionalDouble.of(rate);
      html.append("<span style=\"color:#c62828\">- - budget as an average rate</span>");
    }
    html.append("</p>\n");
    html.append(SvgChart.stackedBars(
        List.of(
            new SvgChart.Series("admitted", "#2e7d32", column(seconds, SecondCounts::admitted)),
            new SvgChart.Series("rejected", "#ef6c00", column(seconds, SecondCounts::rejected)),
            new SvgChart.Series("errors", "#757575", column(seconds, SecondCounts::errors))),
        averageRate,
        String.format(Locale.ROOT, "budget %.2f/s on average", averageRate.orElse(0)),
        "calls per second"));

    verdict.cost().filter(c -> !c.perSecond().isEmpty()).ifPresent(cost -> costPerSecond(html, cost));

    html.append("<h2>Admitted in the trailing ").append(window).append(" window</h2>\n")
        .append("<p>At each second, how many calls were admitted in the ").append(window)
        .append(" before it, as this client saw them. The budget is the line it must stay under.</p>\n");
    OptionalDouble budget =
        verdict.budget().isPresent() ? OptionalDouble.of(verdict.budget().getAsInt()) : OptionalDouble.empty();
    html.append(SvgChart.line(
        new SvgChart.Series("in-window", "#1565c0", column(seconds, s -> s.inWindow())),
        budget,
        "budget " + verdict.budget().orElse(0) + " per " + window,
        "admitted in the trailing window"));

    html.append("<h2>Latency</h2>\n")
        .append("<p>The rate limit decision is what Envoy's filter adds to every call; the upstream's answer")
        .append(" comes on top for admitted calls only.")
        .append(summary.decisionLatency().count() == 0
            ? " Through Envoy the decision is not seen here: Envoy's cluster.ratelimit.upstream_rq_time has it."
            : "")
        .append("</p>\n<p class=\"legend\"><span style=\"color:#5e35b1\">&#9632; whole call</span>")
        .append("<span style=\"color:#00897b\">&#9632; rate limit decision</span>")
        .append("<span style=\"color:#8d6e63\">&#9632; upstream</span></p>\n");
    html.append(LatencyChart.render(List.of(
        new LatencyChart.Part("call", "whole call", "#5e35b1", summary.latency()),
        new LatencyChart.Part("decision", "rate limit decision", "#00897b", summary.decisionLatency()),
        new LatencyChart.Part("upstream", "upstream", "#8d6e63", summary.upstreamLatency()))));

    html.append("<h2>Summary</h2>\n<table>\n");
    SummaryTable.rows(summary)
        .forEach((label, value) -> html.append("<tr><td>").append(Html.escape(label)).append("</td><td>")
            .append(Html.escape(value)).append("</td></tr>\n"));
    html.append("<tr><td>verdict</td><td>").append(Html.escape(verdict.line())).append("</td></tr>\n");
    verdict.cost().ifPresent(c ->
        html.append("<tr><td>cost verdict</td><td>").append(Html.escape(c.line())).append("</td></tr>\n"));
    html.append("</table>\n</body>\n</html>\n");
    return html.toString();
  }

  /** Beside the calls: the cost the usage-priced upstream served each second, against the cost budget's rate. */
  private static void costPerSecond(StringBuilder html, CostVerdict cost) {
    html.append("<h2>Cost served per second</h2>\n")
        .append("<p>What the upstream reported in x-usage-tokens for the calls it served, per second of the run.")
        .append(" The verdict sums it over every ").append(Durations.format(cost.window()))
        .append(" window against the bound.</p>\n")
        .append("<p class=\"legend\"><span style=\"color:#6a1b9a\">&#9632; cost served</span>");
    OptionalDouble averageRate = OptionalDouble.empty();
    if (cost.budget().isPresent()) {
      averageRate = OptionalDouble.of(cost.budget().getAsLong() / (cost.window().toMillis() / 1000.0));
      html.append("<span style=\"color:#c62828\">- - cost budget as an average rate</span>");
    }
    html.append("</p>\n");
    html.append(SvgChart.stackedBars(
        List.of(new SvgChart.Series("cost", "#6a1b9a", cost.perSecond().stream().mapToLong(Long::longValue).toArray())),
        averageRate,
        String.format(Locale.ROOT, "cost budget %.0f/s on average", averageRate.orElse(0)),
        "cost served per second"));
  }

  private static long[] column(List<SecondCounts> seconds, ToLongFunction<SecondCounts> field) {
    return seconds.stream().mapToLong(field).toArray();
  }
}
