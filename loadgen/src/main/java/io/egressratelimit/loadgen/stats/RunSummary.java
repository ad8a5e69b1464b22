package io.egressratelimit.loadgen.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a run did, ready to print, write as JSON or draw.
 *
 * @param settings the run's settings worth showing next to its results, in display order; never
 *     secrets or URLs
 * @param latency whole calls, as the workload waits for them
 * @param decisionLatency the rate limit decisions alone (count 0 where they cannot be seen)
 * @param upstreamLatency the upstream's answers alone (count 0 where they cannot be told apart)
 */
public record RunSummary(
    String mode,
    Instant startedAt,
    Duration elapsed,
    Map<String, String> settings,
    Counts counts,
    LatencySummary latency,
    LatencySummary decisionLatency,
    LatencySummary upstreamLatency,
    List<SecondCounts> perSecond,
    Verdict verdict) {

  public RunSummary {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(elapsed, "elapsed");
    settings = new LinkedHashMap<>(settings);
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(decisionLatency, "decisionLatency");
    Objects.requireNonNull(upstreamLatency, "upstreamLatency");
    perSecond = List.copyOf(perSecond);
    Objects.requireNonNull(verdict, "verdict");
  }

  /** Calls per second over the whole run. */
  public double achievedRate() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : counts.sent() / seconds;
  }

  @Override
  public Map<String, String> settings() {
    return Collections.unmodifiableMap(settings);
  }
}
