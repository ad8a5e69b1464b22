package io.egressratelimit.loadgen.traffic;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads how long a server wants us to wait from its response headers.
 *
 * <p>{@code Retry-After} wins when it parses: it is the standard, explicit instruction (RFC 9110:
 * delta-seconds or an HTTP-date). {@code X-RateLimit-Reset} is what Envoy's ratelimit filter sends
 * (draft RateLimit headers): seconds until the window resets. Some APIs send a Unix time there
 * instead, so a value from {@value #UNIX_TIME_THRESHOLD} up is taken as epoch seconds. A hint that
 * does not parse is ignored rather than trusted: the worker then falls back to its own backoff.
 */
public final class RetryHints {
  /** 2001-09-09: no reset is ever a billion seconds away, and every Unix time in use is larger. */
  static final long UNIX_TIME_THRESHOLD = 1_000_000_000L;

  private RetryHints() {}

  /**
   * @param header the first value of a header by case-insensitive name, if present
   */
  public static Optional<Duration> fromHeaders(Function<String, Optional<String>> header, Instant now) {
    Optional<Duration> retryAfter = header.apply("Retry-After").flatMap(v -> parseRetryAfter(v, now));
    if (retryAfter.isPresent()) {
      return retryAfter;
    }
    return header.apply("X-RateLimit-Reset").flatMap(v -> parseRateLimitReset(v, now));
  }

  /** Delta-seconds ({@code 120}) or an IMF-fixdate ({@code Wed, 21 Oct 2015 07:28:00 GMT}). */
  public static Optional<Duration> parseRetryAfter(String value, Instant now) {
    String trimmed = value.trim();
    if (trimmed.isEmpty()) {
      return Optional.empty();
    }
    if (trimmed.chars().allMatch(Character::isDigit)) {
      return wholeSeconds(trimmed);
    }
    try {
      Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Optional.of(untilOrZero(at, now));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Seconds until reset ({@code 7}, {@code 0.5}), or a Unix time in seconds. */
  public static Optional<Duration> parseRateLimitReset(String value, Instant now) {
    BigDecimal seconds;
    try {
      seconds = new BigDecimal(value.trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (seconds.signum() < 0) {
      return Optional.empty();
    }
    if (seconds.compareTo(BigDecimal.valueOf(UNIX_TIME_THRESHOLD)) >= 0) {
      return Optional.of(untilOrZero(Instant.ofEpochSecond(seconds.longValue()), now));
    }
    return Optional.of(Duration.ofNanos(seconds.movePointRight(9).longValue()));
  }

  private static Optional<Duration> wholeSeconds(String digits) {
    try {
      return Optional.of(Duration.ofSeconds(Long.parseLong(digits)));
    } catch (NumberFormatException e) {
      return Optional.empty(); // more digits than a long holds: not a hint worth honouring
    }
  }

  private static Duration untilOrZero(Instant at, Instant now) {
    Duration until = Duration.between(now, at);
    return until.isNegative() ? Duration.ZERO : until;
  }
}
