package io.egressratelimit.loadgen.units;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesTheUnitsPeopleType() {
    assertEquals(Duration.ofMillis(20), Durations.parse("20ms"));
    assertEquals(Duration.ofSeconds(10), Durations.parse("10s"));
    assertEquals(Duration.ofMillis(1_500), Durations.parse("1.5s"));
    assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ZERO, Durations.parse("0s"));
  }

  @Test
  void refusesWithAnExample() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("10"));
    assertEquals("'10' is not a duration: use a number and a unit, e.g. 500ms, 10s, 2m, 1h", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("-1s"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("1 d"));
  }

  @Test
  void formatsShortestExact() {
    assertEquals("10s", Durations.format(Duration.ofSeconds(10)));
    assertEquals("100ms", Durations.format(Duration.ofMillis(100)));
    assertEquals("1500ms", Durations.format(Duration.ofMillis(1_500)));
  }
}
