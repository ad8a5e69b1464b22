package io.egressratelimit.loadgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictsTest {
  @Test
  void stubSecondsMoveToTheirSecondOfTheRun() {
    assertEquals(List.of(0L, 0L, 5L, 7L), Verdicts.runSeconds(List.of(5L, 7L), 2_300));
  }

  @Test
  void costServedBeforeTheStartIsFoldedIntoTheFirstSecond() {
    assertEquals(List.of(8L, 4L), Verdicts.runSeconds(List.of(5L, 3L, 4L), -1_000));
  }
}
