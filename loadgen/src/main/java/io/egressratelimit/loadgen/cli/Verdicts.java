package io.egressratelimit.loadgen.cli;

import io.egressratelimit.loadgen.stats.CostVerdict;
import io.egressratelimit.loadgen.stats.RunStats;
import io.egressratelimit.loadgen.stats.SlidingWindow;
import io.egressratelimit.loadgen.stats.Verdict;
import io.egressratelimit.loadgen.upstream.UpstreamStats;
import io.egressratelimit.loadgen.upstream.UpstreamStatsClient;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

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
      if (options.judgesCost() && upstream.cost().isEmpty()) {
        throw new UserError("--cost-budget/--cost-bound need a usage-priced upstream, but it reports no cost (start the stub with --usage)");
      }
      Optional<CostVerdict> cost = upstream.cost().map(c -> new CostVerdict(c.total(), c.maxInWindow(), c.maxCall(),
          options.window, optional(options.costBudget), optional(options.costBound),
          runSeconds(c.perSecond(), c.perSecondFromEpochMillis() - startedAt.toEpochMilli())));
      return new Verdict(
          Verdict.Source.UPSTREAM, upstream.total(), upstream.maxInWindow(), options.window, options.grace, budget, cost);
    }
    if (options.judgesCost()) {
      throw new UserError("--cost-budget/--cost-bound need --upstream: only the stub upstream sees the cost it served");
    }
    long[] admitted = stats.admittedAt().sorted();
    int max = SlidingWindow.maxInWindow(admitted, options.countingWindow().toNanos());
    return new Verdict(Verdict.Source.CLIENT, admitted.length, max, options.window, options.grace, budget);
  }

  /**
   * The stub counts seconds from its first call served, {@code offsetMillis} after the run started
   * (or a little before, when the clocks differ): each entry moves to its second of the run, and
   * anything before the start is folded into the first.
   */
  static List<Long> runSeconds(List<Long> stubSeconds, long offsetMillis) {
    long offset = Math.floorDiv(offsetMillis, 1000L);
    List<Long> seconds = new ArrayList<>();
    for (int i = 0; i < stubSeconds.size(); i++) {
      int second = (int) Math.max(0, offset + i);
      while (seconds.size() <= second) {
        seconds.add(0L);
      }
      seconds.set(second, seconds.get(second) + stubSeconds.get(i));
    }
    return seconds;
  }

  private static OptionalLong optional(Long value) {
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }
}
