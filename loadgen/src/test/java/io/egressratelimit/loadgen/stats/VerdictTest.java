package io.egressratelimit.loadgen.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class VerdictTest {
  @Test
  void exactlyTheBudgetHolds() {
    Verdict v = verdict(20, OptionalInt.of(20));
    assertTrue(v.held());
    assertEquals("budget held: max 20 admitted in any 10s window (budget 20)", v.line());
  }

  @Test
  void oneOverTheBudgetIsExceeded() {
    Verdict v = verdict(21, OptionalInt.of(20));
    assertFalse(v.held());
    assertEquals("BUDGET EXCEEDED: max 21 admitted in a 10s window (budget 20)", v.line());
  }

  @Test
  void withoutABudgetOnlyTheMaximumIsReported() {
    Verdict v = verdict(7, OptionalInt.empty());
    assertTrue(v.held());
    assertEquals("max 7 admitted in any 10s window (no --budget given)", v.line());
  }

  private static Verdict verdict(int max, OptionalInt budget) {
    return new Verdict(Verdict.Source.UPSTREAM, 40, max, Duration.ofSeconds(10), Duration.ofMillis(100), budget);
  }
}
