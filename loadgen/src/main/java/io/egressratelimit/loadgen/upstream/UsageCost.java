package io.egressratelimit.loadgen.upstream;

import java.util.SplittableRandom;

/**
 * What a call to a usage-priced API costs: drawn uniformly from {@code min} to {@code max}
 * (tokens, say 50 to 4,000), from a seeded generator so that a run can be repeated.
 */
public final class UsageCost {
  /** The response header the stub reports a call's cost in, as the shipped gateway reads it. */
  public static final String HEADER = "x-usage-tokens";

  private final long min;
  private final long max;
  private final SplittableRandom random;

  public UsageCost(long min, long max, long seed) {
    if (min < 0 || max < min) {
      throw new IllegalArgumentException("a usage cost needs 0 <= MIN <= MAX, got " + min + "-" + max);
    }
    this.min = min;
    this.max = max;
    this.random = new SplittableRandom(seed);
  }

  /** Parses {@code MIN-MAX}, e.g. {@code 50-4000}, or one number for a fixed cost. */
  public static UsageCost parse(String text, long seed) {
    String[] bounds = text.trim().split("-", -1);
    try {
      if (bounds.length == 1) {
        long fixed = Long.parseLong(bounds[0]);
        return new UsageCost(fixed, fixed, seed);
      }
      if (bounds.length == 2) {
        return new UsageCost(Long.parseLong(bounds[0]), Long.parseLong(bounds[1]), seed);
      }
    } catch (NumberFormatException e) {
      // the message below says what was expected
    }
    throw new IllegalArgumentException("expected MIN-MAX in whole numbers, e.g. 50-4000, got '" + text + "'");
  }

  public long max() {
    return max;
  }

  public synchronized long draw() {
    return min == max ? min : min + random.nextLong(max - min + 1);
  }
}
