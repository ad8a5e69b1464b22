package io.egressratelimit.loadgen.stats;

import io.egressratelimit.loadgen.units.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Whether a usage-priced run stayed within its stated bound: the most cost the upstream served in
 * any window of the budget's length. Cost is known only after a call, so the budget N alone can be
 * overrun by the calls in flight; the run fails only past the bound N + K·c − R
 * (docs/usage-priced.md), and the budget is shown beside it.
 *
 * @param totalCost all the cost the upstream served during the run
 * @param maxCostInWindow the most served in any sliding window
 * @param maxCallCost the largest single call's cost (c, as observed)
 * @param perSecond the cost served in each second of the run, for the report
 */
public record CostVerdict(
    long totalCost, long maxCostInWindow, long maxCallCost, Duration window, OptionalLong budget, OptionalLong bound,
    List<Long> perSecond) {

  public CostVerdict {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(bound, "bound");
    perSecond = List.copyOf(perSecond);
  }

  public CostVerdict(
      long totalCost, long maxCostInWindow, long maxCallCost, Duration window, OptionalLong budget, OptionalLong bound) {
    this(totalCost, maxCostInWindow, maxCallCost, window, budget, bound, List.of());
  }

  public boolean held() {
    return bound.isEmpty() || maxCostInWindow <= bound.getAsLong();
  }

  /** The one line a person reads to learn whether the cost stayed within the bound. */
  public String line() {
    String window = Durations.format(this.window);
    String limits = limits();
    if (bound.isEmpty()) {
      return "max " + maxCostInWindow + " cost served in any " + window + " window (" + limits + ")";
    }
    if (held()) {
      return "cost held: max " + maxCostInWindow + " served in any " + window + " window (" + limits + ")";
    }
    return "COST BOUND EXCEEDED: max " + maxCostInWindow + " served in a " + window + " window (" + limits + ")";
  }

  private String limits() {
    String budgetText = budget.isPresent() ? "budget " + budget.getAsLong() : "no --cost-budget given";
    String boundText = bound.isPresent() ? "bound " + bound.getAsLong() : "no --cost-bound given";
    return budgetText + ", " + boundText;
  }
}
