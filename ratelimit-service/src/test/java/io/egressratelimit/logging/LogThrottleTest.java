package io.egressratelimit.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
  @Test
  void oneLinePerKindPerPeriodAndTheNextSaysHowManyWereHeldBack() {
    AtomicLong now = new AtomicLong();
    LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10), 2, now::get);
    assertEquals(OptionalLong.of(0), throttle.admit("a"));
    for (int i = 0; i < 2999; i++) {
      assertEquals(OptionalLong.empty(), throttle.admit("a"));
    }
    assertEquals(OptionalLong.of(0), throttle.admit("b"), "another kind has its own window");
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertEquals(OptionalLong.of(2999), throttle.admit("a"));
    assertEquals(" (and 2999 more like it since the last such line)", LogThrottle.heldBack(2999));
    assertEquals("", LogThrottle.heldBack(0));
  }

  @Test
  void kindsAreBoundedAndForgottenAtTheBound() {
    LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10), 2, () -> 0);
    throttle.admit("a");
    throttle.admit("b");
    assertEquals(OptionalLong.of(0), throttle.admit("c"), "a third kind clears the first two");
    assertEquals(OptionalLong.of(0), throttle.admit("a"), "forgotten, so it goes through again");
  }
}
