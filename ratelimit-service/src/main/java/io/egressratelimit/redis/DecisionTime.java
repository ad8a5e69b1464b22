package io.egressratelimit.redis;

import io.egressratelimit.limiter.NanoClock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Where a Redis store takes the time it decides at. In production that is the Redis server's
 * clock, so replicas whose own clocks disagree still share one time line; tests may move time by
 * hand instead.
 */
public final class DecisionTime {
  private final Optional<NanoClock> clientClock;
  private final LongSupplier localTicker;

  private DecisionTime(Optional<NanoClock> clientClock, LongSupplier localTicker) {
    this.clientClock = clientClock;
    this.localTicker = localTicker;
  }

  /** Redis {@code TIME}. */
  public static DecisionTime redisServer() {
    return redisServer(System::nanoTime);
  }

  /**
   * Redis {@code TIME}, with {@code localTicker} (monotonic nanoseconds, any origin) to carry it
   * between samples where a store cannot ask Redis at the moment of decision.
   */
  public static DecisionTime redisServer(LongSupplier localTicker) {
    return new DecisionTime(Optional.empty(), Objects.requireNonNull(localTicker, "localTicker"));
  }

  /** The given clock, whatever Redis says: for tests that move time by hand. */
  public static DecisionTime client(NanoClock clock) {
    return new DecisionTime(Optional.of(clock), System::nanoTime);
  }

  public Optional<NanoClock> clientClock() {
    return clientClock;
  }

  public LongSupplier localTicker() {
    return localTicker;
  }
}
