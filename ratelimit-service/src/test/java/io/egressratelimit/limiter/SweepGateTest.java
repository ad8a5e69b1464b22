package io.egressratelimit.limiter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SweepGateTest {
  @Test
  void opensOncePerIntervalOnTheCallersClock() {
    SweepGate gate = new SweepGate(10);

    assertTrue(gate.tryOpen(100));
    assertFalse(gate.tryOpen(100));
    assertFalse(gate.tryOpen(109));
    assertTrue(gate.tryOpen(110));
    assertFalse(gate.tryOpen(115));
  }
}
