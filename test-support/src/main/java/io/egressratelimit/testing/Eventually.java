package io.egressratelimit.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for something the system does in the background (a reload, a breaker opening). The deadline
 * is generous and only bounds a hang; nothing asserts how fast it happened.
 */
public final class Eventually {
  private Eventually() {}

  public static boolean within(Duration deadline, BooleanSupplier condition) {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.getAsBoolean();
  }
}
