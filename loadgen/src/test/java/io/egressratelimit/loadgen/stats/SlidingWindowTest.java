package io.egressratelimit.loadgen.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SlidingWindowTest {
  private static final long S = 1_000_000_000L;
  private static final long WINDOW = 10 * S;

  @Test
  void noEventsNoneInAnyWindow() {
    assertEquals(0, SlidingWindow.maxInWindow(new long[0], WINDOW));
  }

  @Test
  void exactlyTheBudgetInsideOneWindow() {
    assertEquals(20, SlidingWindow.maxInWindow(evenly(20, 0, 9 * S), WINDOW));
  }

  @Test
  void oneMoreThanTheBudgetInsideOneWindow() {
    assertEquals(21, SlidingWindow.maxInWindow(evenly(21, 0, 9 * S), WINDOW));
  }

  @Test
  void eventsExactlyOneWindowApartAreNeverTogether() {
    assertEquals(1, SlidingWindow.maxInWindow(new long[] {0, WINDOW, 2 * WINDOW}, WINDOW));
  }

  @Test
  void eventsOneNanosecondLessThanAWindowApartAreTogether() {
    assertEquals(2, SlidingWindow.maxInWindow(new long[] {0, WINDOW - 1}, WINDOW));
  }

  @Test
  void theBusiestWindowIsFoundWhereverItStarts() {
    // 20 at the start of one window and 20 at the end of it: 40 within 10s straddling two fixed windows
    long[] times = concat(evenly(20, 0, S), evenly(20, 9 * S, 9 * S + S / 2));
    assertEquals(40, SlidingWindow.maxInWindow(times, WINDOW));
    // the same 40 spread so that every 10s holds 20: a strict limiter's best
    long[] strict = concat(evenly(20, 0, S), evenly(20, WINDOW, WINDOW + S));
    assertEquals(20, SlidingWindow.maxInWindow(strict, WINDOW));
  }

  @Test
  void simultaneousEventsAllCount() {
    assertEquals(3, SlidingWindow.maxInWindow(new long[] {5, 5, 5}, WINDOW));
  }

  @Test
  void windowMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> SlidingWindow.maxInWindow(new long[] {1}, 0));
  }

  @Test
  void trailingCountsPerSecond() {
    long origin = 100 * S;
    long[] times = {origin, origin + S / 2, origin + S, origin + 3 * S + 1};
    // windows of 2s ending at 1s, 2s, 3s, 4s: [-1,1) [0,2) [1,3) [2,4)
    assertArrayEquals(new int[] {2, 3, 1, 1}, SlidingWindow.trailingCounts(times, origin, 2 * S, 4));
  }

  private static long[] evenly(int count, long from, long to) {
    long[] times = new long[count];
    for (int i = 0; i < count; i++) {
      times[i] = count == 1 ? from : from + (to - from) * i / (count - 1);
    }
    return times;
  }

  private static long[] concat(long[] a, long[] b) {
    long[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
