package io.egressratelimit.loadgen.stats;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Call latencies in microseconds: workers record without locking; the progress line drains what
 * came in since its last look, and everything drained adds up to the run's total.
 */
public final class LatencyRecorder {
  private static final int SIGNIFICANT_DIGITS = 3;

  private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
  private final Histogram total = new Histogram(SIGNIFICANT_DIGITS);
  private Histogram interval;

  public void record(long nanos) {
    recorder.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos)));
  }

  /** The latencies since the last call, which also join the total. */
  public synchronized Histogram drainInterval() {
    interval = recorder.getIntervalHistogram(interval);
    total.add(interval);
    return interval.copy();
  }

  /** Everything recorded so far. */
  public synchronized Histogram total() {
    drainInterval();
    return total.copy();
  }
}
