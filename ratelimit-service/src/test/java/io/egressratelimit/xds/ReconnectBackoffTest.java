package io.egressratelimit.xds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
  private static final ReconnectBackoff STEADY =
      new ReconnectBackoff(Duration.ofSeconds(10), Duration.ofSeconds(60), 0.5, false);

  @Test
  void theWaitDoublesUpToTheMaximum() {
    assertEquals(Duration.ofSeconds(10), STEADY.delay(1, () -> 0.3));
    assertEquals(Duration.ofSeconds(20), STEADY.delay(2, () -> 0.3));
    assertEquals(Duration.ofSeconds(40), STEADY.delay(3, () -> 0.3));
    assertEquals(Duration.ofSeconds(60), STEADY.delay(4, () -> 0.3));
    assertEquals(Duration.ofSeconds(60), STEADY.delay(1_000, () -> 0.3));
  }

  @Test
  void jitterSpreadsEachWaitByTheRandomFactorEitherWay() {
    ReconnectBackoff jittered = new ReconnectBackoff(Duration.ofSeconds(10), Duration.ofSeconds(60), 0.5, true);
    assertEquals(Duration.ofSeconds(5), jittered.delay(1, () -> 0.0));
    assertEquals(Duration.ofSeconds(10), jittered.delay(1, () -> 0.5));
    assertEquals(Duration.ofMillis(14_998), jittered.delay(1, () -> 0.9998));
    assertEquals(Duration.ofSeconds(30), jittered.delay(10, () -> 0.0), "spread around the maximum");
  }

  @Test
  void impossibleSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new ReconnectBackoff(Duration.ofSeconds(10), Duration.ofSeconds(5), 0.5, true));
    assertThrows(IllegalArgumentException.class, () -> new ReconnectBackoff(Duration.ZERO, Duration.ofSeconds(5), 0.5,
        true));
    assertThrows(IllegalArgumentException.class,
        () -> new ReconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(5), 1.5, true));
  }
}
