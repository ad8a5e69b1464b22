package io.egressratelimit.limiter.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The shape of one bucket, in plain numbers, so every store builds exactly the same bucket.
 *
 * @param capacity the most tokens the bucket holds
 * @param refillTokens tokens added per refill period
 * @param refillPeriod the refill period
 * @param style continuous refill, or all tokens at each epoch-aligned period boundary
 * @param initialTokens tokens in a bucket the store has never seen (or has lost)
 */
public record BucketSpec(
    long capacity, long refillTokens, Duration refillPeriod, RefillStyle style, long initialTokens) {

  public BucketSpec {
    Objects.requireNonNull(refillPeriod, "refillPeriod");
    Objects.requireNonNull(style, "style");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    if (refillTokens < 0 || initialTokens < 0 || initialTokens > capacity) {
      throw new IllegalArgumentException("refillTokens and initialTokens must be in range");
    }
    if (refillPeriod.isNegative() || refillPeriod.isZero()) {
      throw new IllegalArgumentException("refillPeriod must be positive");
    }
  }

  /** How long an untouched bucket takes to go from empty to full: how long a store must keep it. */
  public Duration timeToFill() {
    if (refillTokens == 0) {
      return refillPeriod;
    }
    long periods = (capacity + refillTokens - 1) / refillTokens;
    return refillPeriod.multipliedBy(Math.max(1, periods));
  }

  public enum RefillStyle {
    /** Tokens trickle in continuously: refillTokens spread evenly over each period. */
    GREEDY,
    /** All refillTokens arrive at once at each multiple of refillPeriod since the epoch. */
    INTERVAL_ALIGNED
  }
}
