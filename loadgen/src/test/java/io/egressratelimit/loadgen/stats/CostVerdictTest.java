package io.egressratelimit.loadgen.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class CostVerdictTest {
  @Test
  void overTheBudgetButWithinTheBoundHolds() {
    CostVerdict v = cost(21_000, OptionalLong.of(20_000), OptionalLong.of(64_000));
    assertTrue(v.held());
    assertEquals("cost held: max 21000 served in any 10s window (budget 20000, bound 64000)", v.line());
  }

  @Test
  void exactlyTheBoundHolds() {
    assertTrue(cost(64_000, OptionalLong.of(20_000), OptionalLong.of(64_000)).held());
  }

  @Test
  void oneOverTheBoundIsExceeded() {
    CostVerdict v = cost(64_001, OptionalLong.of(20_000), OptionalLong.of(64_000));
    assertFalse(v.held());
    assertEquals("COST BOUND EXCEEDED: max 64001 served in a 10s window (budget 20000, bound 64000)", v.line());
  }

  @Test
  void withoutABoundOnlyTheMaximumIsReported() {
    CostVerdict v = cost(99_999, OptionalLong.of(20_000), OptionalLong.empty());
    assertTrue(v.held());
    assertEquals("max 99999 cost served in any 10s window (budget 20000, no --cost-bound given)", v.line());
  }

  @Test
  void aCostOverItsBoundFailsTheRunEvenWhenTheCallsHeld() {
    Verdict calls = new Verdict(Verdict.Source.UPSTREAM, 40, 20, Duration.ofSeconds(10), Duration.ofMillis(100),
        OptionalInt.of(20), Optional.of(cost(70_000, OptionalLong.of(20_000), OptionalLong.of(64_000))));
    assertTrue(calls.callsHeld());
    assertFalse(calls.held());
    assertEquals("budget held: max 20 admitted in any 10s window (budget 20)" + System.lineSeparator()
        + "COST BOUND EXCEEDED: max 70000 served in a 10s window (budget 20000, bound 64000)", calls.lines());
  }

  @Test
  void callsOverTheirBudgetFailTheRunEvenWhenTheCostHeld() {
    Verdict calls = new Verdict(Verdict.Source.UPSTREAM, 40, 21, Duration.ofSeconds(10), Duration.ofMillis(100),
        OptionalInt.of(20), Optional.of(cost(1_000, OptionalLong.of(20_000), OptionalLong.of(64_000))));
    assertFalse(calls.held());
  }

  private static CostVerdict cost(long maxInWindow, OptionalLong budget, OptionalLong bound) {
    return new CostVerdict(100_000, maxInWindow, 4_000, Duration.ofSeconds(10), budget, bound);
  }
}
