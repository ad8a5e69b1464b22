package io.egressratelimit.loadgen.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {
  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final Duration CAP = Duration.ofSeconds(10);
  /** nextDouble() just under 1: every draw lands at the top of its range. */
  private static final RandomGenerator HIGHEST = () -> -1L;
  /** nextDouble() of 0: every draw lands at the bottom. */
  private static final RandomGenerator LOWEST = () -> 0L;

  @Test
  void ceilingDoublesFromTheIntervalUpToTheCap() {
    BackoffPolicy policy = new BackoffPolicy(SECOND, CAP, new SplittableRandom(1));
    List<Long> ceilings = new ArrayList<>();
    for (int n = 1; n <= 7; n++) {
      ceilings.add(policy.backoffCeiling(n).toMillis());
    }
    assertEquals(List.of(1_000L, 2_000L, 4_000L, 8_000L, 10_000L, 10_000L, 10_000L), ceilings);
  }

  @Test
  void ceilingDoesNotOverflowAfterManyRejections() {
    BackoffPolicy policy = new BackoffPolicy(Duration.ofHours(1), CAP, new SplittableRandom(1));
    assertEquals(CAP, policy.backoffCeiling(10_000));
  }

  @Test
  void fullJitterSpansZeroToTheCeiling() {
    assertEquals(Duration.ZERO, new BackoffPolicy(SECOND, CAP, LOWEST).afterRejection(3, Optional.empty()));
    Duration top = new BackoffPolicy(SECOND, CAP, HIGHEST).afterRejection(3, Optional.empty());
    assertTrue(top.compareTo(Duration.ofMillis(3_999)) >= 0 && top.compareTo(Duration.ofSeconds(4)) <= 0, top.toString());
  }

  @Test
  void seededScheduleIsReproducibleAndStaysUnderEachCeiling() {
    List<Duration> first = schedule(new SplittableRandom(42));
    List<Duration> second = schedule(new SplittableRandom(42));
    assertEquals(first, second);
    assertNotEquals(first, schedule(new SplittableRandom(43)));
    BackoffPolicy reference = new BackoffPolicy(SECOND, CAP, new SplittableRandom(0));
    for (int n = 1; n <= first.size(); n++) {
      Duration d = first.get(n - 1);
      assertTrue(!d.isNegative() && d.compareTo(reference.backoffCeiling(n)) <= 0, "draw " + n + " was " + d);
    }
  }

  @Test
  void fullJitterAveragesHalfTheCeiling() {
    BackoffPolicy policy = new BackoffPolicy(SECOND, CAP, new SplittableRandom(7));
    long sum = 0;
    int draws = 20_000;
    for (int i = 0; i < draws; i++) {
      sum += policy.afterRejection(4, Optional.empty()).toMillis();
    }
    double mean = (double) sum / draws;
    assertTrue(mean > 3_800 && mean < 4_200, "mean of draws up to 8s was " + mean);
  }

  @Test
  void serverHintIsHonouredPlusAtMostOneInterval() {
    Duration hint = Duration.ofSeconds(7);
    assertEquals(hint, new BackoffPolicy(SECOND, CAP, LOWEST).afterRejection(1, Optional.of(hint)));
    Duration top = new BackoffPolicy(SECOND, CAP, HIGHEST).afterRejection(1, Optional.of(hint));
    assertTrue(top.compareTo(Duration.ofMillis(7_999)) >= 0 && top.compareTo(Duration.ofSeconds(8)) <= 0, top.toString());
  }

  @Test
  void hintLongerThanTheCapIsStillHonoured() {
    Duration hint = Duration.ofSeconds(30);
    assertEquals(hint, new BackoffPolicy(SECOND, CAP, LOWEST).afterRejection(1, Optional.of(hint)));
  }

  @Test
  void admittedPauseIsBetweenHalfAndOneAndAHalfIntervals() {
    assertEquals(Duration.ofMillis(500), new BackoffPolicy(SECOND, CAP, LOWEST).afterAdmitted());
    Duration top = new BackoffPolicy(SECOND, CAP, HIGHEST).afterAdmitted();
    assertTrue(top.compareTo(Duration.ofMillis(1_499)) >= 0 && top.compareTo(Duration.ofMillis(1_500)) < 0, top.toString());
  }

  @Test
  void startDelayIsWithinTheJitter() {
    BackoffPolicy policy = new BackoffPolicy(SECOND, CAP, new SplittableRandom(3));
    for (int i = 0; i < 1_000; i++) {
      Duration d = policy.startDelay(Duration.ofSeconds(4));
      assertTrue(!d.isNegative() && d.compareTo(Duration.ofSeconds(4)) <= 0, d.toString());
    }
    assertEquals(Duration.ZERO, policy.startDelay(Duration.ZERO));
  }

  @Test
  void consecutiveCountStartsAtOne() {
    BackoffPolicy policy = new BackoffPolicy(SECOND, CAP, LOWEST);
    assertThrows(IllegalArgumentException.class, () -> policy.afterRejection(0, Optional.empty()));
  }

  private static List<Duration> schedule(RandomGenerator random) {
    BackoffPolicy policy = new BackoffPolicy(SECOND, CAP, random);
    List<Duration> delays = new ArrayList<>();
    for (int n = 1; n <= 8; n++) {
      delays.add(policy.afterRejection(n, Optional.empty()));
    }
    return delays;
  }
}
