package io.egressratelimit.loadgen.cli;

import io.egressratelimit.loadgen.stats.RunStats;
import io.egressratelimit.loadgen.stats.SlidingWindow;
import io.egressratelimit.loadgen.stats.Verdict;
import io.egressratelimit.loadgen.upstream.UpstreamStats;
import io.egressratelimit.loadgen.upstream.UpstreamStatsClient;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Judges a run: from the stub upstream's arrival times when there is a stub (it is the only party
 * that sees exactly what got through), else from this client's own count of admitted calls.
 */
final class Verdicts {
  /** Arrivals a little before our own start are still ours if the two clocks differ slightly. */
  private static final long CLOCK_SLACK_MILLIS = 1_000;

  private Verdicts() {}

  static Verdict judge(
      Optional<UpstreamStatsClient> stub, RunStats stats, VerdictOptions options, Instant startedAt) {
    long sinceEpochMillis = startedAt.toEpochMilli() - CLOCK_SLACK_MILLIS;
    OptionalInt budget = options.budget == null ? OptionalInt.empty() : OptionalInt.of(options.budget);
    if (stub.isPresent()) {
      UpstreamStats upstream;
      try {
        upstream =
            stub.get()
                .fetch(options.window, options.grace, sinceEpochMillis)
                .orElseThrow(() -> new UserError("the upstream stopped answering /stats; no verdict"));
      } catch (IOException e) {
        throw new UserError("cannot reach the upstream for its stats after the run; no verdict");
      }
      return new Verdict(
          Verdict.Source.UPSTREAM, upstream.total(), upstream.maxInWindow(), options.window, options.grace, budget);
    }
    long[] admitted = stats.admittedAt().sorted();
    int max = SlidingWindow.maxInWindow(admitted, options.countingWindow().toNanos());
    return new Verdict(Verdict.Source.CLIENT, admitted.length, max, options.window, options.grace, budget);
  }
}
