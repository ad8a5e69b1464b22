package io.egressratelimit.settings;

import java.time.Duration;

/**
 * The warm-up a replica runs before it reports SERVING.
 *
 * @param calls ShouldRateLimit calls sent to its own gRPC port, in the reserved warm-up domain; 0
 *     reports SERVING as soon as the store is connected
 * @param inFlight how many of them are in flight at once, so coalescing and concurrency are warm too
 * @param maxDuration when the calls are not all answered by then (a slow or crowded machine), the
 *     warm-up ends with what it did, so a replica's time to SERVING stays bounded
 * @param exitWhenReady drain and exit once SERVING: a training run, which an ahead-of-time cache
 *     of the JVM records (see docs/operations.md)
 */
public record WarmupSettings(int calls, int inFlight, Duration maxDuration, boolean exitWhenReady) {
  /** Enough calls for the JIT's optimising compiler to compile the decision path (see docs/operations.md). */
  public static final WarmupSettings DEFAULT = new WarmupSettings(3_000, 32, Duration.ofSeconds(2), false);
  public static final WarmupSettings NONE = new WarmupSettings(0, 1, Duration.ZERO, false);

  public WarmupSettings {
    if (calls < 0 || inFlight < 1 || maxDuration.isNegative()) {
      throw new IllegalArgumentException("need calls >= 0, inFlight >= 1 and a duration >= 0");
    }
  }
}
