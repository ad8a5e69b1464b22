package io.egressratelimit.limiter;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a sweep of a full map run at most once per interval, without a lock: a map full of live
 * entries would otherwise scan itself on every request that finds no room. The interval is in
 * whatever unit the caller's clock reads.
 */
public final class SweepGate {
  private final long interval;
  private final AtomicLong nextDue = new AtomicLong(Long.MIN_VALUE);

  public SweepGate(long interval) {
    this.interval = interval;
  }

  /** True for the one caller that finds the interval over at {@code now}; the next one is due an interval later. */
  public boolean tryOpen(long now) {
    long due = nextDue.get();
    return now >= due && nextDue.compareAndSet(due, now + interval);
  }
}
