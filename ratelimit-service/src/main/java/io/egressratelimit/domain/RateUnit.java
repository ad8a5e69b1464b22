package io.egressratelimit.domain;

import java.time.Duration;
import java.util.Optional;

/**
 * The calendar units of envoyproxy/ratelimit. Their lengths are the ones that service divides
 * time by: a month is 30 days and a year 365 days, so windows align the same way there and here.
 */
public enum RateUnit {
  SECOND(Duration.ofSeconds(1)),
  MINUTE(Duration.ofMinutes(1)),
  HOUR(Duration.ofHours(1)),
  DAY(Duration.ofDays(1)),
  WEEK(Duration.ofDays(7)),
  MONTH(Duration.ofDays(30)),
  YEAR(Duration.ofDays(365));

  private final Duration length;

  RateUnit(Duration length) {
    this.length = length;
  }

  public Duration length() {
    return length;
  }

  /** The unit whose length is exactly {@code period}, if any. */
  public static Optional<RateUnit> ofLength(Duration period) {
    for (RateUnit unit : values()) {
      if (unit.length.equals(period)) {
        return Optional.of(unit);
      }
    }
    return Optional.empty();
  }
}
