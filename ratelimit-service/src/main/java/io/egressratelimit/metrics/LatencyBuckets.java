package io.egressratelimit.metrics;

import java.time.Duration;

/**
 * Histogram buckets for latencies, dense below Envoy's default 20 ms filter timeout where the
 * answers must land, and sparse above it.
 */
final class LatencyBuckets {
  static final Duration[] ALL = {
      Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofSeconds(1)
  };

  private LatencyBuckets() {}
}
