package io.egressratelimit.loadgen.stats;

import org.HdrHistogram.Histogram;

/** Latency percentiles in milliseconds. */
public record LatencySummary(long count, double p50, double p90, double p99, double p999, double max) {

  /**
   * @param micros a histogram of microseconds
   */
  public static LatencySummary of(Histogram micros) {
    if (micros.getTotalCount() == 0) {
      return new LatencySummary(0, 0, 0, 0, 0, 0);
    }
    return new LatencySummary(
        micros.getTotalCount(),
        millis(micros.getValueAtPercentile(50)),
        millis(micros.getValueAtPercentile(90)),
        millis(micros.getValueAtPercentile(99)),
        millis(micros.getValueAtPercentile(99.9)),
        millis(micros.getMaxValue()));
  }

  private static double millis(long micros) {
    return micros / 1000.0;
  }
}
