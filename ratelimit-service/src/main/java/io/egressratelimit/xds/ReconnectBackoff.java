package io.egressratelimit.xds;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before opening the stream again after it failed: the wait doubles from
 * {@code initial} up to {@code max}, and with {@code jitter} each wait is spread by up to
 * {@code randomFactor} either way, so that replicas cut off together do not all call back at once.
 */
public record ReconnectBackoff(Duration initial, Duration max, double randomFactor, boolean jitter) {
  public ReconnectBackoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("the initial back-off must be positive and at most the maximum, got "
          + initial + " and " + max);
    }
    if (!(randomFactor >= 0 && randomFactor < 1)) {
      throw new IllegalArgumentException("the random factor must be at least 0 and below 1, got " + randomFactor);
    }
  }

  /**
   * The wait before attempt {@code failures + 1}.
   *
   * @param failures attempts that failed in a row, at least 1
   * @param random uniform in [0, 1)
   */
  public Duration delay(int failures, DoubleSupplier random) {
    long base = initial.toNanos();
    for (int i = 1; i < failures && base < max.toNanos(); i++) {
      base = Math.min(max.toNanos(), base * 2);
    }
    base = Math.min(max.toNanos(), base);
    if (!jitter || randomFactor == 0) {
      return Duration.ofNanos(base);
    }
    double spread = 1 - randomFactor + 2 * randomFactor * random.getAsDouble();
    return Duration.ofNanos((long) (base * spread));
  }
}
