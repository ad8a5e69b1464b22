package io.egressratelimit.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code period:} extension: a whole positive number and one suffix, e.g. {@code 30s} or {@code 2h}. */
final class PeriodSyntax {
  // Nine digits keep even weeks far from overflowing a Duration.
  private static final Pattern PERIOD = Pattern.compile("([1-9][0-9]{0,8})([smhdw])");

  static final String EXPECTED = "expected a whole positive number with a suffix s, m, h, d or w, e.g. 30s";

  private PeriodSyntax() {}

  static Optional<Duration> parse(String text) {
    Matcher matcher = PERIOD.matcher(text);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(matcher.group(1));
    return Optional.of(switch (matcher.group(2)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> Duration.ofDays(amount * 7);
    });
  }

  /** The shortest way to write {@code period} back in this syntax: 60s is "1m", 90s stays "90s". */
  static String format(Duration period) {
    long seconds = period.toSeconds();
    long[] sizes = {7 * 86_400, 86_400, 3_600, 60};
    String[] suffixes = {"w", "d", "h", "m"};
    for (int i = 0; i < sizes.length; i++) {
      if (seconds % sizes[i] == 0) {
        return seconds / sizes[i] + suffixes[i];
      }
    }
    return seconds + "s";
  }
}
