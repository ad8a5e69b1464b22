package io.egressratelimit.loadgen.upstream;


import io.egressratelimit.loadgen.stats.ArrivalTimes;
import io.egressratelimit.loadgen.stats.SlidingWindow;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
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
  /** Calls that reported a cost (a usage-priced stub): when each was served, and what it cost. */
  private final List<long[]> costs = new ArrayList<>();

  public ArrivalLog(Clock wallClock, LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.originNanoTime = nanoTime.getAsLong();
    this.originEpochNanos = wallClock.millis() * 1_000_000L;
  }

  public static ArrivalLog systemClock() {
    return new ArrivalLog(Clock.systemUTC(), System::nanoTime);
  }

  public void recordNow() {
    times.add(now());
  }

  /** A call served now that cost {@code cost} (tokens, elements...): counted as a call and as cost. */
  public void recordNow(long cost) {
    long at = now();
    times.add(at);
    synchronized (costs) {
      costs.add(new long[] {at, cost});
    }
  }

  private long now() {
    return originEpochNanos + (nanoTime.getAsLong() - originNanoTime);
  }

  /**
   * The cost served: in total, the most in any sliding window (as {@link #stats}), and the largest
   * single call's, from {@code sinceEpochMillis} on.
   */
  public CostStats costStats(Duration window, Duration grace, long sinceEpochMillis) {
    long counted = window.minus(grace).toNanos();
    long since = sinceEpochMillis * 1_000_000L;
    List<long[]> served;
    synchronized (costs) {
      served = costs.stream().filter(c -> c[0] >= since).sorted(Comparator.comparingLong(c -> c[0])).toList();
    }
    long total = 0;
    long largest = 0;
    // Seconds count from the first call served, so a distant (or absent) since costs nothing.
    long origin = served.isEmpty() ? since : served.get(0)[0];
    long[] perSecond = new long[served.isEmpty() ? 0 : (int) ((served.get(served.size() - 1)[0] - origin) / 1_000_000_000L) + 1];
    long inWindow = 0;
    long most = 0;
    int first = 0;
    for (long[] call : served) {
      total += call[1];
      perSecond[(int) ((call[0] - origin) / 1_000_000_000L)] += call[1];
      largest = Math.max(largest, call[1]);
      inWindow += call[1];
      while (call[0] - served.get(first)[0] >= counted) {
        inWindow -= served.get(first++)[1];
      }
      most = Math.max(most, inWindow);
    }
    return new CostStats(total, most, largest, origin / 1_000_000L, Arrays.stream(perSecond).boxed().toList());
  }

  /**
   * Cost served, in the unit the stub reports it.
   *
   * @param perSecondFromEpochMillis when the first of the {@code perSecond} seconds starts
   * @param perSecond the cost served in each second, from the first call served on
   */
  public record CostStats(long total, long maxInWindow, long maxCall, long perSecondFromEpochMillis, List<Long> perSecond) {}

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
