package io.egressratelimit.limiter;

/** Wall-clock time in nanoseconds since the epoch. Injected so tests and Redis can supply it. */
@FunctionalInterface
public interface NanoClock {
  long epochNanos();

  NanoClock SYSTEM = () -> {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  };
}
