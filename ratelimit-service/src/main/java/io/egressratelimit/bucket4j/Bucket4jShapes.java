package io.egressratelimit.bucket4j;

import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.store.BucketSpec;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import java.time.Instant;

/** A {@link BucketSpec} as bucket4j builds it, so the local and the Redis bucket4j stores build the same bucket. */
public final class Bucket4jShapes {
  private Bucket4jShapes() {}

  public static Bandwidth bandwidth(BucketSpec spec) {
    var limit = Bandwidth.builder().capacity(spec.capacity());
    var refill = switch (spec.style()) {
      case GREEDY -> limit.refillGreedy(spec.refillTokens(), spec.refillPeriod());
      // Anchored at the epoch, so every replica and every store agree on where windows start.
      case INTERVAL_ALIGNED -> limit.refillIntervallyAligned(spec.refillTokens(), spec.refillPeriod(), Instant.EPOCH);
    };
    return refill.initialTokens(spec.initialTokens()).build();
  }

  public static BucketConfiguration configuration(BucketSpec spec) {
    return BucketConfiguration.builder().addLimit(bandwidth(spec)).build();
  }

  /** bucket4j's view of a wall clock: epoch nanoseconds, which epoch-aligned refills need. */
  public static TimeMeter timeMeter(NanoClock clock) {
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return clock.epochNanos();
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
  }
}
