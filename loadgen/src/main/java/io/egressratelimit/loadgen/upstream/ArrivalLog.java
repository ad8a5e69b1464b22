package io.egressratelimit.loadgen.upstream;

import io.egressratelimit.loadgen.stats.ArrivalTimes;
import io.egressratelimit.loadgen.stats.SlidingWindow;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * When each request reached the stub. Times come from the monotonic clock, anchored once to the
 * wall clock: windows are measured without jumps from NTP, and {@code since} can still be given as
 * a Unix time by a client.
 */
public final class ArrivalLog {
  private final LongSupplier nanoTime;
  private final long originNanoTime;
  private final long originEpochNanos;
  private final ArrivalTimes times = new ArrivalTimes();

  public ArrivalLog(Clock wallClock, LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.originNanoTime = nanoTime.getAsLong();
    this.originEpochNanos = wallClock.millis() * 1_000_000L;
  }

  public static ArrivalLog systemClock() {
    return new ArrivalLog(Clock.systemUTC(), System::nanoTime);
  }

  public void recordNow() {
    times.add(originEpochNanos + (nanoTime.getAsLong() - originNanoTime));
  }

  /**
   * @param window the length of the windows to count in
   * @param grace taken off the window's length: requests admitted by a limiter exactly one window
   *     apart can arrive here a little less than a window apart, because their transit times differ
   * @param sinceEpochMillis only requests that arrived at or after this Unix time in milliseconds
   */
  public UpstreamStats stats(Duration window, Duration grace, long sinceEpochMillis) {
    long counted = window.minus(grace).toNanos();
    if (counted <= 0) {
      throw new IllegalArgumentException("grace must be shorter than the window");
    }
    long[] sorted = times.sortedFrom(sinceEpochMillis * 1_000_000L);
    return new UpstreamStats(sorted.length, SlidingWindow.maxInWindow(sorted, counted), window, grace);
  }
}
