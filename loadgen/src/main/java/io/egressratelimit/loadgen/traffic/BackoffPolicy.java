package io.egressratelimit.loadgen.traffic;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * How long a worker waits before its next call.
 *
 * <ul>
 *   <li>after an admitted call: the base interval, jittered to between half and one and a half
 *       times itself, so replicas started together drift apart;
 *   <li>after a rejection or failure with no hint from the server: exponential backoff with full
 *       jitter, a uniform draw in {@code [0, min(maxBackoff, interval * 2^(n-1))]} for the n-th
 *       consecutive one;
 *   <li>after a rejection with a hint (Retry-After, X-RateLimit-Reset, duration_until_reset): the
 *       hint plus up to one base interval, so workers told the same reset time do not all return
 *       in the same instant and collide again.
 * </ul>
 */
public final class BackoffPolicy {
  /** 2^30 intervals is far past any sane cap; stopping there keeps the arithmetic from overflowing. */
  private static final int MAX_EXPONENT = 30;

  private final Duration interval;
  private final Duration maxBackoff;
  private final RandomGenerator random;

  public BackoffPolicy(Duration interval, Duration maxBackoff, RandomGenerator random) {
    this.interval = Objects.requireNonNull(interval, "interval");
    this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
    this.random = Objects.requireNonNull(random, "random");
    if (interval.isNegative() || maxBackoff.isNegative()) {
      throw new IllegalArgumentException("interval and maxBackoff must not be negative");
    }
  }

  /** A uniform draw in {@code [0, startJitter]}: replicas of a fleet never start in lockstep. */
  public Duration startDelay(Duration startJitter) {
    return uniformUpTo(startJitter.toNanos());
  }

  /** The pause after an admitted call. */
  public Duration afterAdmitted() {
    long base = interval.toNanos();
    return Duration.ofNanos(base / 2 + (long) (random.nextDouble() * base));
  }

  /**
   * The pause after the {@code consecutive}-th rejection or failure in a row (1 for the first).
   */
  public Duration afterRejection(int consecutive, Optional<Duration> serverHint) {
    if (consecutive < 1) {
      throw new IllegalArgumentException("consecutive must be at least 1, was " + consecutive);
    }
    if (serverHint.isPresent()) {
      return serverHint.get().plus(uniformUpTo(interval.toNanos()));
    }
    return uniformUpTo(backoffCeiling(consecutive).toNanos());
  }

  /** The upper bound of the full-jitter draw for the n-th consecutive rejection. */
  public Duration backoffCeiling(int consecutive) {
    int exponent = Math.min(consecutive - 1, MAX_EXPONENT);
    long capNanos = maxBackoff.toNanos();
    long intervalNanos = interval.toNanos();
    if (intervalNanos > 0 && intervalNanos > (capNanos >> exponent)) {
      return maxBackoff;
    }
    return Duration.ofNanos(Math.min(capNanos, intervalNanos << exponent));
  }

  private Duration uniformUpTo(long nanos) {
    if (nanos <= 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) (random.nextDouble() * (nanos + 1)));
  }
}
