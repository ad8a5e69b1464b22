package io.egressratelimit.redis;

import java.time.Duration;

/**
 * Capped exponential back-off between attempts to reach a Redis that was never connected. The cap
 * is what bounds the time from Redis listening to this replica using it; a refused connection
 * costs Redis next to nothing, so a short cap is cheap.
 *
 * @param first the wait before the second attempt
 * @param max the longest wait between two attempts
 */
record ConnectBackoff(Duration first, Duration max) {
  /** 50 ms, doubling, at most 500 ms apart. */
  static final ConnectBackoff DEFAULT = new ConnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500));

  /** The wait before retry number {@code attempt} (1 for the first retry). */
  Duration delayBefore(int attempt) {
    int doublings = Math.min(Math.max(attempt - 1, 0), 20);
    Duration delay = first.multipliedBy(1L << doublings);
    return delay.compareTo(max) > 0 ? max : delay;
  }
}
