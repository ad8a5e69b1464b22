package io.egressratelimit.loadgen.stats;

/**
 * The largest number of events that fall into any window of a given length, wherever it starts.
 *
 * <p>A window is half-open, {@code [t, t + length)}: two events exactly one length apart are never
 * in the same window. That is the guarantee of a strict limit of N per period: at most N admitted
 * in any such window.
 */
public final class SlidingWindow {
  private SlidingWindow() {}

  /**
   * @param sortedNanos event times in ascending order
   * @param lengthNanos the window length, positive
   */
  public static int maxInWindow(long[] sortedNanos, long lengthNanos) {
    if (lengthNanos <= 0) {
      throw new IllegalArgumentException("window length must be positive");
    }
    int max = 0;
    int first = 0;
    for (int last = 0; last < sortedNanos.length; last++) {
      while (sortedNanos[last] - sortedNanos[first] >= lengthNanos) {
        first++;
      }
      max = Math.max(max, last - first + 1);
    }
    return max;
  }

  /**
   * The count in the window that ends at each whole second {@code s}, {@code [s - length, s)}
   * relative to {@code originNanos}, for seconds 1..{@code seconds}. Used to draw the trailing
   * window against the budget.
   */
  public static int[] trailingCounts(long[] sortedNanos, long originNanos, long lengthNanos, int seconds) {
    int[] counts = new int[seconds];
    int first = 0;
    int next = 0;
    for (int s = 1; s <= seconds; s++) {
      long end = originNanos + s * 1_000_000_000L;
      while (next < sortedNanos.length && sortedNanos[next] < end) {
        next++;
      }
      while (first < next && sortedNanos[first] < end - lengthNanos) {
        first++;
      }
      counts[s - 1] = next - first;
    }
    return counts;
  }
}
