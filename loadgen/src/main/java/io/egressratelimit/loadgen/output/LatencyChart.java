package io.egressratelimit.loadgen.output;

import io.egressratelimit.loadgen.stats.LatencySummary;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;

/**
 * The latency panel: horizontal bars per percentile for the whole call, the rate limit decision
 * alone and the upstream alone, against Envoy's filter timeout. The decision is what the limiter
 * adds to every call, so it is the bar to hold against the timeout.
 */
final class LatencyChart {
  /** Envoy's ratelimit filter waits this long by default (and envoy-config sets it so). */
  static final double ENVOY_TIMEOUT_MILLIS = 20;

  private static final String[] PERCENTILES = {"p50", "p90", "p99", "p99.9", "max"};
  private static final int LEFT = 64;
  private static final int RIGHT = 24;
  private static final int TOP = 22;
  private static final int BAR = 9;
  private static final int GAP = 10;
  private static final int BOTTOM = 26;

  /** One measured part of a call. */
  record Part(String name, String label, String color, LatencySummary latency) {
    double[] values() {
      return new double[] {latency.p50(), latency.p90(), latency.p99(), latency.p999(), latency.max()};
    }
  }

  private LatencyChart() {}

  /** Parts with no measurements (count 0) are left out. */
  static String render(List<Part> parts) {
    List<Part> shown = parts.stream().filter(p -> p.latency().count() > 0).toList();
    double top = Math.max(ENVOY_TIMEOUT_MILLIS,
        shown.stream().flatMapToDouble(p -> DoubleStream.of(p.values())).max().orElse(0)) * 1.1;
    int groupHeight = shown.size() * BAR + GAP;
    int height = TOP + PERCENTILES.length * groupHeight + BOTTOM;
    StringBuilder svg = new StringBuilder(SvgChart.openTag(height, "latency percentiles"));
    double step = SvgChart.niceStep(top / 6);
    for (double v = 0; v <= top + 1e-9; v += step) {
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e0e0e0\"/>"
              + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%sms</text>%n",
          x(v, top), TOP, x(v, top), height - BOTTOM, x(v, top), height - 8, SvgChart.number(v)));
    }
    for (int p = 0; p < PERCENTILES.length; p++) {
      int groupTop = TOP + p * groupHeight;
      svg.append(String.format(Locale.ROOT,
          "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>%n",
          LEFT - 8, groupTop + shown.size() * BAR / 2 + 4, PERCENTILES[p]));
    }
    for (int s = 0; s < shown.size(); s++) {
      Part part = shown.get(s);
      double[] values = part.values();
      svg.append("<g data-series=\"").append(part.name()).append("\" data-values=\"")
          .append(DoubleStream.of(values).mapToObj(SvgChart::number).collect(Collectors.joining(",")))
          .append("\">\n");
      for (int p = 0; p < values.length; p++) {
        int y = TOP + p * groupHeight + s * BAR;
        svg.append(String.format(Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s %s: %sms</title></rect>%n",
            LEFT, y, Math.max(x(values[p], top) - LEFT, 1), BAR - 1, part.color(), Html.escape(part.label()),
            PERCENTILES[p], SvgChart.number(values[p])));
      }
      svg.append("</g>\n");
    }
    double timeoutX = x(ENVOY_TIMEOUT_MILLIS, top);
    svg.append(String.format(Locale.ROOT,
        "<line class=\"timeout\" data-value=\"%s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c62828\""
            + " stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
            + "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" fill=\"#c62828\">"
            + "Envoy's filter timeout (default 20ms)</text>%n",
        SvgChart.number(ENVOY_TIMEOUT_MILLIS), timeoutX, TOP - 4, timeoutX, height - BOTTOM, timeoutX + 4, TOP - 8));
    return svg.append("</svg>\n").toString();
  }

  private static double x(double millis, double top) {
    return LEFT + (SvgChart.WIDTH - LEFT - RIGHT) * millis / top;
  }
}
