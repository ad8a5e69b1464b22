package io.egressratelimit.loadgen.traffic;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RunBoundsTest {
  @Test
  void requestCountIsSharedAndExact() {
    RunBounds bounds = new RunBounds(Duration.ofMinutes(1), OptionalLong.of(3));
    assertTrue(bounds.claimCall());
    assertTrue(bounds.claimCall());
    assertTrue(bounds.claimCall());
    assertFalse(bounds.claimCall());
  }

  @Test
  void aStopEndsAPauseAndTheRun() {
    RunBounds bounds = new RunBounds(Duration.ofMinutes(1), OptionalLong.empty());
    bounds.stop();
    assertFalse(bounds.pause(Duration.ofMinutes(1)));
    assertFalse(bounds.claimCall());
  }

  @Test
  void aPauseNeverOutlastsTheDeadline() {
    RunBounds bounds = new RunBounds(Duration.ofMillis(50), OptionalLong.empty());
    // without the deadline this would wait an hour; the test would then hang, not pass
    assertFalse(bounds.pause(Duration.ofHours(1)));
    assertTrue(bounds.isOver());
  }
}
