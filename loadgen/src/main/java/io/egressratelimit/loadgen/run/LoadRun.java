package io.egressratelimit.loadgen.run;

import io.egressratelimit.loadgen.output.ProgressPrinter;
import io.egressratelimit.loadgen.stats.LatencySummary;
import io.egressratelimit.loadgen.stats.RunStats;
import io.egressratelimit.loadgen.stats.RunSummary;
import io.egressratelimit.loadgen.stats.Verdict;
import io.egressratelimit.loadgen.traffic.Caller;
import io.egressratelimit.loadgen.traffic.RunBounds;
import io.egressratelimit.loadgen.traffic.WorkerPool;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One load run from its first call to its summary: the workers call until the bounds end them, the
 * progress line shows how it goes, and the judge gives the verdict once they are done. The command
 * line around it only reads options, opens the caller and reports the summary.
 */
public final class LoadRun {
  /** Gives the verdict once the workers have ended. */
  public interface Judge {
    /**
     * @param startedAt when the first worker could call, by this machine's clock
     */
    Verdict judge(RunStats stats, Instant startedAt);
  }

  /**
   * @param mode the mode's name in the summary
   * @param settings what the summary shows next to the results, in display order; no URLs, no secrets
   * @param countingWindow the trailing window each per-second entry counts admitted calls in
   */
  public record Setup(
      String mode,
      Map<String, String> settings,
      WorkerPool.Settings traffic,
      Duration countingWindow,
      Judge judge) {
    public Setup {
      Objects.requireNonNull(mode, "mode");
      settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
      Objects.requireNonNull(traffic, "traffic");
      Objects.requireNonNull(countingWindow, "countingWindow");
      Objects.requireNonNull(judge, "judge");
    }
  }

  private LoadRun() {}

  /**
   * Runs to the end of {@code bounds} (or until they are stopped, e.g. by Ctrl-C).
   *
   * @param terminal whether {@code out} is a terminal, where the progress line redraws in place
   */
  public static RunSummary run(Setup setup, Caller caller, RunBounds bounds, PrintWriter out, boolean terminal)
      throws InterruptedException {
    Instant startedAt = Instant.now();
    long startNanos = System.nanoTime();
    RunStats stats = new RunStats(startNanos);
    try (ProgressPrinter progress = new ProgressPrinter(out, terminal, stats)) {
      progress.start();
      WorkerPool.runToEnd(caller, setup.traffic(), bounds, stats);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    Verdict verdict = setup.judge().judge(stats, startedAt);
    int seconds = (int) Math.max(1, Math.ceil(elapsed.toNanos() / 1e9));
    return new RunSummary(
        setup.mode(),
        startedAt,
        elapsed,
        setup.settings(),
        stats.counts(),
        LatencySummary.of(stats.latency().total()),
        LatencySummary.of(stats.decisionLatency().total()),
        LatencySummary.of(stats.upstreamLatency().total()),
        stats.perSecond(seconds, setup.countingWindow().toNanos()),
        verdict);
  }
}
