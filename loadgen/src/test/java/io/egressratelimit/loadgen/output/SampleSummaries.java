package io.egressratelimit.loadgen.output;

import io.egressratelimit.loadgen.stats.Counts;
import io.egressratelimit.loadgen.stats.LatencySummary;
import io.egressratelimit.loadgen.stats.RunSummary;
import io.egressratelimit.loadgen.stats.SecondCounts;
import io.egressratelimit.loadgen.stats.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** A small finished run with known numbers, for the writers' tests. */
final class SampleSummaries {
  private SampleSummaries() {}

  static RunSummary fourSeconds(int maxInWindow, int budget) {
    List<SecondCounts> seconds =
        List.of(
            new SecondCounts(0, 3, 0, 0, 3),
            new SecondCounts(1, 2, 4, 1, 5),
            new SecondCounts(2, 0, 6, 0, 5),
            new SecondCounts(3, 1, 2, 0, 6));
    Verdict verdict =
        new Verdict(Verdict.Source.UPSTREAM, 6, maxInWindow, Duration.ofSeconds(10), Duration.ofMillis(100), OptionalInt.of(budget));
    return new RunSummary(
        "rls <&>",
        Instant.parse("2026-01-01T00:00:00Z"),
        Duration.ofMillis(4_000),
        Map.of("workers", "6"),
        new Counts(19, 6, 12, 1, 0, 0, 0),
        new LatencySummary(19, 1.5, 2.5, 9.75, 12, 12),
        new LatencySummary(18, 0.25, 0.5, 0.75, 1, 1.25),
        new LatencySummary(6, 1.25, 2, 9, 11, 11),
        seconds,
        verdict);
  }
}
