package io.egressratelimit.limiter;

import io.egressratelimit.limiter.store.BucketSpec;
import java.time.Duration;

/** Pure refill arithmetic that every store reports the same way. */
public final class RefillMath {
  private RefillMath() {}

  /** The time until a bucket holding {@code tokens} (whole tokens) at {@code nowNanos} is full again. */
  public static Duration untilFull(BucketSpec spec, long tokens, long nowNanos) {
    long missing = spec.capacity() - tokens;
    if (missing <= 0 || spec.refillTokens() == 0) {
      return Duration.ZERO;
    }
    long periodNanos = spec.refillPeriod().toNanos();
    return switch (spec.style()) {
      case GREEDY -> Duration.ofNanos(ceilDiv(multiplyExactOrMax(missing, periodNanos), spec.refillTokens()));
      case INTERVAL_ALIGNED -> {
        long boundaries = ceilDiv(missing, spec.refillTokens());
        long toNextBoundary = periodNanos - Math.floorMod(nowNanos, periodNanos);
        yield Duration.ofNanos(toNextBoundary + (boundaries - 1) * periodNanos);
      }
    };
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  private static long multiplyExactOrMax(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return (high == 0 && low >= 0) ? low : Long.MAX_VALUE;
  }
}
