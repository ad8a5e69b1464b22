package io.egressratelimit.loadgen.cli;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** What the run is judged against, and where its results are written. */
final class VerdictOptions {
  @Option(names = "--budget", order = 30, paramLabel = "N",
      description = "The budget: at most N admitted calls in any --window. Without it the run reports the maximum but passes no judgement.")
  Integer budget;

  @Option(names = "--window", order = 31, defaultValue = "10s", paramLabel = "DURATION",
      description = "The budget's window, measured as a sliding window (default: ${DEFAULT-VALUE}).")
  Duration window;

  @Option(names = "--grace", order = 32, defaultValue = "100ms", paramLabel = "DURATION",
      description = "How much shorter than --window the counting window is. Calls the limiter admitted exactly one window apart can reach the upstream a few milliseconds closer together, because their transit times differ (default: ${DEFAULT-VALUE}).")
  Duration grace;

  @Option(names = "--cost-budget", order = 35, paramLabel = "N",
      description = "For a usage-priced upstream (the stub's --usage): the cost budget N per --window, shown beside the cost the upstream served.")
  Long costBudget;

  @Option(names = "--cost-bound", order = 36, paramLabel = "M",
      description = "The most cost any --window may be served: the stated bound N + K·c − R (docs/usage-priced.md; K calls in flight, c the largest cost, R the reservation). The run fails past it.")
  Long costBound;

  @Option(names = "--json", order = 33, paramLabel = "FILE", description = "Also write the summary as JSON to FILE.")
  Path json;

  @Option(names = "--report", order = 34, paramLabel = "FILE.html",
      description = "Also write a self-contained HTML report (inline SVG charts, no external assets) to FILE.")
  Path report;

  String problems() {
    if (budget != null && budget < 0) {
      return "--budget must be 0 or more";
    }
    if (costBudget != null && costBudget < 0) {
      return "--cost-budget must be 0 or more";
    }
    if (costBound != null && costBound < 0) {
      return "--cost-bound must be 0 or more";
    }
    if (costBudget != null && costBound != null && costBound < costBudget) {
      return "--cost-bound must be at least --cost-budget: the bound is the budget plus what the calls in flight can overrun it by";
    }
    if (window.isZero()) {
      return "--window must be longer than 0s";
    }
    if (grace.compareTo(window) >= 0) {
      return "--grace must be shorter than --window";
    }
    return "";
  }

  boolean judgesCost() {
    return costBudget != null || costBound != null;
  }

  Duration countingWindow() {
    return window.minus(grace);
  }
}
