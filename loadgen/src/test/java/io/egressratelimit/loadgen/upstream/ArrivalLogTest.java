package io.egressratelimit.loadgen.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ArrivalLogTest {
  private static final long MS = 1_000_000L;
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final AtomicLong nanoTime = new AtomicLong(123_456_789L);
  private final ArrivalLog log = new ArrivalLog(Clock.fixed(START, ZoneOffset.UTC), nanoTime::get);

  @Test
  void countsTheBusiestWindow() {
    arriveAtMillis(0, 1_000, 2_000, 10_000, 10_500);
    UpstreamStats stats = log.stats(Duration.ofSeconds(10), Duration.ZERO, 0);
    assertEquals(5, stats.total());
    assertEquals(4, stats.maxInWindow()); // 1s, 2s, 10s, 10.5s; 0s and 10s are a full window apart
  }

  @Test
  void graceShortensTheCountingWindow() {
    arriveAtMillis(0, 9_950);
    assertEquals(2, log.stats(Duration.ofSeconds(10), Duration.ZERO, 0).maxInWindow());
    assertEquals(1, log.stats(Duration.ofSeconds(10), Duration.ofMillis(100), 0).maxInWindow());
  }

  @Test
  void sinceLeavesOutEarlierArrivals() {
    arriveAtMillis(0, 100, 5_000);
    UpstreamStats stats = log.stats(Duration.ofSeconds(10), Duration.ZERO, START.toEpochMilli() + 1_000);
    assertEquals(1, stats.total());
    assertEquals(1, stats.maxInWindow());
  }

  @Test
  void graceMustLeaveAWindow() {
    assertThrows(IllegalArgumentException.class, () -> log.stats(Duration.ofSeconds(1), Duration.ofSeconds(1), 0));
  }

  @Test
  void statsSurviveAJsonRoundTrip() {
    UpstreamStats stats = new UpstreamStats(42, 20, Duration.ofSeconds(10), Duration.ofMillis(100));
    assertEquals("{\"total\":42,\"maxInWindow\":20,\"windowSeconds\":10,\"graceMillis\":100}", stats.toJson());
    assertEquals(stats, UpstreamStats.fromJson(stats.toJson()));
  }

  @Test
  void somethingElseIsNotStats() {
    assertThrows(IllegalArgumentException.class, () -> UpstreamStats.fromJson("<html>"));
    assertThrows(IllegalArgumentException.class, () -> UpstreamStats.fromJson("{\"total\":1}"));
  }

  private void arriveAtMillis(long... offsets) {
    long origin = nanoTime.get();
    for (long offset : offsets) {
      nanoTime.set(origin + offset * MS);
      log.recordNow();
    }
  }
}
