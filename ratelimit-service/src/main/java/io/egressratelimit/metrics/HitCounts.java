package io.egressratelimit.metrics;

import io.egressratelimit.domain.Code;
import io.egressratelimit.domain.DescriptorStatus;
import io.egressratelimit.domain.LimitPolicy;

/**
 * How the hits of one descriptor count against its rule, with envoyproxy/ratelimit's meanings:
 * every hit is within or over the limit; a hit within the limit is also near it once the bucket's
 * use passes {@code nearLimitRatio} of its capacity; a would-be denial of a shadow-mode rule counts
 * as over the limit and as shadow mode.
 */
record HitCounts(long total, long withinLimit, long overLimit, long nearLimit, long shadowMode) {

  static HitCounts of(DescriptorStatus status, long hits, double nearLimitRatio) {
    if (status.currentLimit().isEmpty()) {
      return new HitCounts(hits, hits, 0, 0, 0);
    }
    if (status.code() == Code.OVER_LIMIT) {
      return new HitCounts(hits, 0, hits, 0, 0);
    }
    if (status.shadowOverLimit()) {
      return new HitCounts(hits, 0, hits, 0, hits);
    }
    return new HitCounts(hits, hits, 0, nearLimit(status.currentLimit().get(), status.limitRemaining(), hits,
        nearLimitRatio), 0);
  }

  /** The hits that took the bucket's use past the near-limit threshold (all of them if it was past already). */
  private static long nearLimit(LimitPolicy policy, long remaining, long hits, double ratio) {
    long capacity = policy.burst();
    long usedAfter = capacity - Math.min(remaining, capacity);
    long threshold = (long) Math.floor(capacity * ratio);
    return usedAfter > threshold ? Math.min(hits, usedAfter - threshold) : 0;
  }
}
