package io.egressratelimit.loadgen.traffic;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When a run ends: at a deadline, after a number of requests, or when stopped (Ctrl-C), whichever
 * comes first. Every wait of every worker goes through {@link #pause}, so a stop or the deadline
 * ends a long backoff at once instead of after it.
 */
public final class RunBounds {
  private final long deadlineNanos;
  private final AtomicLong ticketsLeft;
  private final boolean counted;
  private final CountDownLatch stopped = new CountDownLatch(1);

  /**
   * @param duration how long the run may last, from now
   * @param requests how many calls all workers may make together, when bounded by count
   */
  public RunBounds(Duration duration, OptionalLong requests) {
    this.deadlineNanos = System.nanoTime() + duration.toNanos();
    this.counted = requests.isPresent();
    this.ticketsLeft = new AtomicLong(requests.orElse(0));
  }

  /** Claims the right to make one more call; false once the run is over. */
  public boolean claimCall() {
    if (isOver()) {
      return false;
    }
    return !counted || ticketsLeft.getAndDecrement() > 0;
  }

  /** Waits, cut short by the deadline or a stop; false when the run is over afterwards. */
  public boolean pause(Duration wait) {
    long remaining = deadlineNanos - System.nanoTime();
    long nanos = Math.min(wait.toNanos(), Math.max(remaining, 0));
    try {
      if (nanos > 0 && stopped.await(nanos, TimeUnit.NANOSECONDS)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return !isOver();
  }

  public void stop() {
    stopped.countDown();
  }

  public boolean isOver() {
    return stopped.getCount() == 0 || System.nanoTime() - deadlineNanos >= 0;
  }
}
