package io.egressratelimit.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {
  @Test
  void readsGoDurations() {
    assertEquals(Duration.ofHours(24), GoDuration.parse("24h"));
    assertEquals(Duration.ofMinutes(90), GoDuration.parse("1h30m"));
    assertEquals(Duration.ofNanos(15_000), GoDuration.parse("0.015ms"));
    assertEquals(Duration.ofNanos(500_000), GoDuration.parse("500us"));
    assertEquals(Duration.ofSeconds(10), GoDuration.parse("10s"));
    assertEquals(Duration.ZERO, GoDuration.parse("0"));
  }

  @Test
  void refusesWhatGoRefuses() {
    for (String bad : new String[] {"", "10", "1d", "h", "1h 30m", "-"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(bad), bad);
      assertEquals("'" + bad + "' is not a duration; use e.g. 250ms, 10s, 1h30m or 24h", e.getMessage());
    }
  }
}
