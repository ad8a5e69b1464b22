package io.egressratelimit.server;

/**
 * The warm-up a replica runs before it reports SERVING.
 *
 * @param calls ShouldRateLimit calls sent to its own gRPC port, in the reserved warm-up domain; 0
 *     reports SERVING as soon as the store is connected
 * @param inFlight how many of them are in flight at once, so coalescing and concurrency are warm too
 */
public record WarmupSettings(int calls, int inFlight) {
  /** Enough calls for the JIT's optimising compiler to compile the decision path (see docs/operations.md). */
  public static final WarmupSettings DEFAULT = new WarmupSettings(3_000, 32);
  public static final WarmupSettings NONE = new WarmupSettings(0, 1);

  public WarmupSettings {
    if (calls < 0 || inFlight < 1) {
      throw new IllegalArgumentException("need calls >= 0 and inFlight >= 1");
    }
  }
}
