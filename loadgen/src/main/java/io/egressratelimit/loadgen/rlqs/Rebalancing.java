package io.egressratelimit.loadgen.rlqs;

import io.egressratelimit.loadgen.units.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * How long the server took to follow demand that moved from the first Envoy to the last: until the
 * last was assigned at least {@link #ENOUGH} of the rate the first held when the demand left it.
 */
public final class Rebalancing {
  /**
   * Most of the share, not all: the server keeps a token for the Envoy that went quiet, may hand the
   * new share out while the old one still counts, and does not reissue a share within 1/8 of its aim.
   */
  public static final double ENOUGH = 0.75;

  private Rebalancing() {}

  public static String line(ShareLog shares, DemandPlan plan, long movedAtNanos, Duration movedAt) {
    String head = String.format("rebalancing: demand moved from envoy %d to envoy %d at %s",
        plan.first() + 1, plan.last() + 1, Durations.format(movedAt));
    OptionalDouble before = shares.rateAt(plan.first(), movedAtNanos);
    if (before.isEmpty() || before.getAsDouble() == 0 || Double.isInfinite(before.getAsDouble())) {
      return head + "; envoy " + (plan.first() + 1) + " held no token-bucket share then, so there is nothing to compare";
    }
    double rate = before.getAsDouble();
    OptionalLong took = shares.reached(plan.last(), rate, ENOUGH, movedAtNanos);
    String share = String.format(Locale.ROOT, "%.0f%% of envoy %d's former %s/s", ENOUGH * 100, plan.first() + 1, rateText(rate));
    if (took.isEmpty()) {
      return head + "; envoy " + (plan.last() + 1) + " was not assigned " + share + " before the run ended";
    }
    return head + "; envoy " + (plan.last() + 1) + " was assigned " + share + " after "
        + String.format(Locale.ROOT, "%.1fs", took.getAsLong() / 1e9);
  }

  private static String rateText(double rate) {
    return rate == Math.rint(rate) ? String.format(Locale.ROOT, "%.0f", rate) : String.format(Locale.ROOT, "%.2f", rate);
  }
}
