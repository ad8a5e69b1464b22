package io.egressratelimit.loadgen.output;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * A small inline SVG chart over seconds: stacked bars or one line, with an optional dashed
 * reference line. Each series is also written as {@code data-series}/{@code data-values} so the
 * numbers behind the picture can be read back.
 */
final class SvgChart {
  /** Every chart of the report is this wide. */
  static final int WIDTH = 900;
  private static final int HEIGHT = 240;
  private static final int LEFT = 48;
  private static final int RIGHT = 12;
  private static final int TOP = 12;
  private static final int BOTTOM = 28;

  /** One named series of values, one per second. */
  record Series(String name, String color, long[] values) {}

  private final double yMax;
  private final int seconds;
  private final StringBuilder svg = new StringBuilder();

  private SvgChart(int seconds, double yMax, String label) {
    this.seconds = Math.max(seconds, 1);
    this.yMax = yMax <= 0 ? 1 : yMax;
    svg.append(openTag(HEIGHT, label));
    axes();
  }

  /** Bars stacked in the order given, one stack per second. */
  static String stackedBars(List<Series> series, OptionalDouble reference, String referenceLabel, String label) {
    int seconds = series.isEmpty() ? 0 : series.get(0).values().length;
    double top = 0;
    for (int s = 0; s < seconds; s++) {
      long sum = 0;
      for (Series each : series) {
        sum += each.values()[s];
      }
      top = Math.max(top, sum);
    }
    SvgChart chart = new SvgChart(seconds, headroom(Math.max(top, reference.orElse(0))), label);
    long[] base = new long[seconds];
    for (Series each : series) {
      chart.bars(each, base);
    }
    reference.ifPresent(r -> chart.reference(r, referenceLabel));
    return chart.finish();
  }

  /** One line through a point per second. */
  static String line(Series series, OptionalDouble reference, String referenceLabel, String label) {
    double top = LongStream.of(series.values()).max().orElse(0);
    SvgChart chart =
        new SvgChart(series.values().length, headroom(Math.max(top, reference.orElse(0))), label);
    chart.polyline(series);
    reference.ifPresent(r -> chart.reference(r, referenceLabel));
    return chart.finish();
  }

  private void axes() {
    double step = niceStep(yMax / 4);
    for (double v = 0; v <= yMax + 1e-9; v += step) {
      double y = y(v);
      svg.append(String.format(
          Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>"
              + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n",
          LEFT, y, WIDTH - RIGHT, y, LEFT - 6, y + 4, number(v)));
    }
    int xStep = seconds > 120 ? 30 : seconds > 30 ? 10 : 5;
    for (int s = 0; s <= seconds; s += xStep) {
      svg.append(String.format(
          Locale.ROOT,
          "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%ds</text>%n",
          x(s), HEIGHT - 8, s));
    }
    svg.append(String.format(
        Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#616161\"/>%n",
        LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
  }

  private void bars(Series series, long[] base) {
    double width = Math.max(plotWidth() / seconds - 1, 1);
    svg.append(group(series));
    for (int s = 0; s < series.values().length; s++) {
      long count = series.values()[s];
      if (count > 0) {
        double top = y(base[s] + count);
        svg.append(String.format(
            Locale.ROOT,
            "<rect class=\"%s\" data-second=\"%d\" data-count=\"%d\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
                + " height=\"%.1f\" fill=\"%s\"><title>second %d: %d %s</title></rect>%n",
            series.name(), s, count, x(s), top, width, y(base[s]) - top, series.color(), s, count,
            series.name()));
      }
      base[s] += count;
    }
    svg.append("</g>\n");
  }

  private void polyline(Series series) {
    String points =
        IntStream.range(0, series.values().length)
            .mapToObj(s -> String.format(Locale.ROOT, "%.1f,%.1f", x(s + 1), y(series.values()[s])))
            .collect(Collectors.joining(" "));
    svg.append(group(series));
    svg.append(String.format(
        "<polyline class=\"%s\" points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
        series.name(), points, series.color()));
    svg.append("</g>\n");
  }

  private void reference(double value, String label) {
    double y = y(value);
    svg.append(String.format(
        Locale.ROOT,
        "<line class=\"budget\" data-value=\"%s\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\""
            + " stroke=\"#c62828\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"
            + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#c62828\" text-anchor=\"end\">%s</text>%n",
        number(value), LEFT, y, WIDTH - RIGHT, y, WIDTH - RIGHT - 4, y - 4, Html.escape(label)));
  }

  private String group(Series series) {
    String values = LongStream.of(series.values()).mapToObj(Long::toString).collect(Collectors.joining(","));
    return "<g data-series=\"" + series.name() + "\" data-values=\"" + values + "\">\n";
  }

  private String finish() {
    return svg.append("</svg>\n").toString();
  }

  private double x(double second) {
    return LEFT + second * plotWidth() / seconds;
  }

  private double y(double value) {
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / yMax);
  }

  private static double plotWidth() {
    return WIDTH - LEFT - RIGHT;
  }

  private static double headroom(double top) {
    return Math.max(top * 1.15, 1);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code raw}: gridlines people can read. */
  static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(raw, 1e-9))));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * magnitude >= raw) {
        return Math.max(m * magnitude, 0.5);
      }
    }
    return 10 * magnitude;
  }

  /** The opening tag of a chart {@link #WIDTH} wide, named for screen readers. */
  static String openTag(int height, String label) {
    return String.format(Locale.ROOT,
        "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">%n",
        WIDTH, height, WIDTH, height, Html.escape(label));
  }

  /** A whole number without decimals, any other to two. */
  static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
  }
}
