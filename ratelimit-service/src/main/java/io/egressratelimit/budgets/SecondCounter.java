package io.egressratelimit.budgets;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts per second over the last minute, lock-free: each slot packs the second it counts (high 32
 * bits) with its count (low 32 bits), so a slot from a minute ago restarts at 1 in the same
 * compare-and-set that counts the new second. Nothing is lost between seconds.
 */
final class SecondCounter {
  static final int SECONDS = 60;

  private final AtomicLongArray slots = new AtomicLongArray(SECONDS);

  void increment(long epochSecond) {
    int index = (int) Math.floorMod(epochSecond, (long) SECONDS);
    while (true) {
      long slot = slots.get(index);
      long next = (slot >>> 32) == epochSecond ? slot + 1 : (epochSecond << 32) | 1;
      if (slots.compareAndSet(index, slot, next)) {
        return;
      }
    }
  }

  /** The counts of the {@code seconds} seconds ending with {@code nowSecond}, oldest first. */
  long[] last(long nowSecond, int seconds) {
    long[] counts = new long[seconds];
    for (int i = 0; i < seconds; i++) {
      long second = nowSecond - (seconds - 1 - i);
      long slot = slots.get((int) Math.floorMod(second, (long) SECONDS));
      counts[i] = (slot >>> 32) == second ? slot & 0xFFFF_FFFFL : 0;
    }
    return counts;
  }
}
