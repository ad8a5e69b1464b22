package io.egressratelimit.limiter;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test says so. */
public final class ManualClock implements NanoClock {
  private final AtomicLong nanos;

  public ManualClock(Instant start) {
    this.nanos = new AtomicLong(start.getEpochSecond() * 1_000_000_000L + start.getNano());
  }

  /** A start in the middle of a minute, so windows aligned to the epoch are visible in tests. */
  public static ManualClock midMinute() {
    return new ManualClock(Instant.parse("2026-01-01T00:00:30Z"));
  }

  @Override
  public long epochNanos() {
    return nanos.get();
  }

  public void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }
}
