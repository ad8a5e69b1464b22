package io.egressratelimit.loadgen.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class PacingTest {
  /** Draws at the top of every range, so each pause shows its ceiling (to the millisecond). */
  private static final RandomGenerator HIGHEST = () -> -1L;

  private final Pacing pacing =
      new Pacing(new BackoffPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), HIGHEST));

  @Test
  void backoffGrowsWithEachSetbackInARowAndResetsOnSuccess() {
    assertEquals(1_000, millisAfter(Outcome.REJECTED));
    assertEquals(2_000, millisAfter(Outcome.SERVER_ERROR));
    assertEquals(4_000, millisAfter(Outcome.FAILED));
    assertEquals(1_500, millisAfter(Outcome.ADMITTED));
    assertEquals(1_000, millisAfter(Outcome.REJECTED));
  }

  @Test
  void aHintReplacesTheComputedBackoffButTheStreakStillCounts() {
    millisAfter(Outcome.REJECTED);
    CallResult hinted = new CallResult(Outcome.REJECTED, 0, Optional.of(Duration.ofSeconds(3)), false);
    assertEquals(4_000, pacing.pauseAfter(hinted).toMillis());
    assertEquals(4_000, millisAfter(Outcome.REJECTED)); // third in a row
  }

  private long millisAfter(Outcome outcome) {
    return Math.round(pacing.pauseAfter(CallResult.of(outcome, 0)).toNanos() / 1e6);
  }
}
