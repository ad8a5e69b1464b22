package io.egressratelimit.settings;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as envoyproxy/ratelimit's variables are written (Go's {@code time.ParseDuration}):
 * {@code 24h}, {@code 1h30m}, {@code 0.015ms}, {@code 500us}, {@code 0}. An upstream Deployment's
 * values must mean the same here.
 */
public final class GoDuration {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
  private static final Map<String, Long> NANOS_PER_UNIT = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L,
      "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

  private GoDuration() {}

  /** The duration, or throws {@link IllegalArgumentException} saying what a duration looks like. */
  static Duration parse(String text) {
    String value = text.trim();
    if (value.equals("0")) {
      return Duration.ZERO;
    }
    Matcher part = PART.matcher(value);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (part.lookingAt()) {
      nanos = nanos.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(part.group(2)))));
      end = part.end();
      part.region(end, value.length());
    }
    if (end == 0 || end != value.length()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; use e.g. 250ms, 10s, 1h30m or 24h");
    }
    return Duration.ofNanos(nanos.longValue());
  }
}
