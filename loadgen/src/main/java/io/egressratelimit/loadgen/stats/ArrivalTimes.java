package io.egressratelimit.loadgen.stats;

import java.util.Arrays;

/** A growing list of event times in nanoseconds, safe to append from many threads. */
public final class ArrivalTimes {
  private long[] times = new long[256];
  private int size;

  public synchronized void add(long nanos) {
    if (size == times.length) {
      times = Arrays.copyOf(times, size * 2);
    }
    times[size++] = nanos;
  }

  /** The times from {@code fromNanos} on, sorted (threads may append slightly out of order). */
  public synchronized long[] sortedFrom(long fromNanos) {
    long[] copy = Arrays.stream(times, 0, size).filter(t -> t >= fromNanos).toArray();
    Arrays.sort(copy);
    return copy;
  }

  public long[] sorted() {
    return sortedFrom(Long.MIN_VALUE);
  }

  public synchronized int size() {
    return size;
  }
}
