package io.egressratelimit.loadgen.stats;

import io.egressratelimit.loadgen.units.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Whether a run stayed within its budget: the most admitted calls seen in any window of the budget's
 * length.
 *
 * @param source who counted: the upstream stub (the truth) or the client itself
 * @param admittedTotal every admitted call the source saw during the run
 * @param grace how much shorter than {@code window} the counting window was, to absorb the transit
 *     jitter between the limiter's decision and the arrival that was timed
 * @param cost the cost served, when the upstream is usage-priced and reported it
 */
public record Verdict(
    Source source,
    long admittedTotal,
    int maxInWindow,
    Duration window,
    Duration grace,
    OptionalInt budget,
    Optional<CostVerdict> cost) {

  /** Who counted the admitted calls. */
  public enum Source {
    UPSTREAM("upstream stub"),
    CLIENT("client count");

    private final String label;

    Source(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public Verdict {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(grace, "grace");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(cost, "cost");
  }

  /** A verdict on calls alone, for an upstream that reports no cost. */
  public Verdict(Source source, long admittedTotal, int maxInWindow, Duration window, Duration grace, OptionalInt budget) {
    this(source, admittedTotal, maxInWindow, window, grace, budget, Optional.empty());
  }

  /** Held when the calls stayed within the budget and any cost within its bound. */
  public boolean held() {
    return callsHeld() && cost.map(CostVerdict::held).orElse(true);
  }

  public boolean callsHeld() {
    return budget.isEmpty() || maxInWindow <= budget.getAsInt();
  }

  /** The call line, then the cost line when there is one. */
  public String lines() {
    return cost.map(c -> line() + System.lineSeparator() + c.line()).orElse(line());
  }

  /** The one line a person reads to learn whether the call budget held. */
  public String line() {
    String window = Durations.format(this.window);
    if (budget.isEmpty()) {
      return "max " + maxInWindow + " admitted in any " + window + " window (no --budget given)";
    }
    if (callsHeld()) {
      return "budget held: max " + maxInWindow + " admitted in any " + window + " window (budget "
          + budget.getAsInt() + ")";
    }
    return "BUDGET EXCEEDED: max " + maxInWindow + " admitted in a " + window + " window (budget "
        + budget.getAsInt() + ")";
  }
}
