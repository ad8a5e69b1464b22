package io.egressratelimit.loadgen.output;

import io.egressratelimit.loadgen.stats.Counts;
import io.egressratelimit.loadgen.stats.RunStats;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The live progress line, once a second. On a terminal it redraws one line in place; into a pipe
 * or a file it writes plain lines, which is what a log collector wants.
 */
public final class ProgressPrinter implements AutoCloseable {
  private static final String CLEAR_TO_END_OF_LINE = "\u001b[K";

  private final PrintWriter out;
  private final boolean terminal;
  private final RunStats stats;
  private final ScheduledExecutorService ticker;
  private long lastSent;
  private long lastNanos;
  private boolean printedInPlace;
  private boolean decisionsSeen;
  private boolean upstreamSeen;

  public ProgressPrinter(PrintWriter out, boolean terminal, RunStats stats) {
    this.out = out;
    this.terminal = terminal;
    this.stats = stats;
    this.lastNanos = stats.startNanos();
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "progress");
              t.setDaemon(true);
              return t;
            });
  }

  public void start() {
    ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
  }

  synchronized void tick() {
    long now = System.nanoTime();
    Counts counts = stats.counts();
    Histogram interval = stats.latency().drainInterval();
    double rate = (counts.sent() - lastSent) / Math.max((now - lastNanos) / 1e9, 1e-9);
    lastSent = counts.sent();
    lastNanos = now;
    long elapsedSeconds = Math.round((now - stats.startNanos()) / 1e9);
    Histogram decisions = stats.decisionLatency().drainInterval();
    Histogram upstream = stats.upstreamLatency().drainInterval();
    decisionsSeen |= decisions.getTotalCount() > 0;
    upstreamSeen |= upstream.getTotalCount() > 0;
    String line = line(elapsedSeconds, rate, counts, p99Millis(interval))
        + parts(p99Millis(decisions, decisionsSeen), p99Millis(upstream, upstreamSeen));
    if (terminal) {
      out.print("\r" + line + CLEAR_TO_END_OF_LINE);
      printedInPlace = true;
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** One progress line, e.g. {@code [  12s] rate 5.8/s  ok 20  429 43  errors 0  p99 4.1ms}. */
  public static String line(long elapsedSeconds, double rate, Counts counts, double p99Millis) {
    return String.format(
        Locale.ROOT,
        "[%4ds] rate %.1f/s  ok %d  429 %d  errors %d  p99 %.1fms",
        elapsedSeconds,
        rate,
        counts.admitted(),
        counts.rejected(),
        counts.errors(),
        p99Millis);
  }

  /**
   * The decision's and the upstream's shares of the p99, e.g. {@code   decision p99 0.6ms  upstream
   * p99 3.4ms}; empty for a share this mode cannot see (through a real Envoy, the decision is inside it).
   */
  public static String parts(OptionalDouble decisionP99Millis, OptionalDouble upstreamP99Millis) {
    StringBuilder parts = new StringBuilder();
    decisionP99Millis.ifPresent(p -> parts.append(String.format(Locale.ROOT, "  decision p99 %.1fms", p)));
    upstreamP99Millis.ifPresent(p -> parts.append(String.format(Locale.ROOT, "  upstream p99 %.1fms", p)));
    return parts.toString();
  }

  private static double p99Millis(Histogram interval) {
    return interval.getTotalCount() == 0 ? 0 : interval.getValueAtPercentile(99) / 1000.0;
  }

  /** Empty until the first value: a mode that never measures a share never shows it. */
  private static OptionalDouble p99Millis(Histogram interval, boolean everMeasured) {
    return everMeasured ? OptionalDouble.of(p99Millis(interval)) : OptionalDouble.empty();
  }

  @Override
  public synchronized void close() {
    ticker.shutdownNow();
    if (printedInPlace) {
      out.println();
      out.flush();
    }
  }
}
