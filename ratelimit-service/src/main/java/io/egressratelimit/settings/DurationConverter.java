package io.egressratelimit.settings;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations the way operators write them: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String text = value.trim();
    try {
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
      }
      long amount = Long.parseLong(text.substring(0, text.length() - 1));
      return switch (text.charAt(text.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        default -> throw new TypeConversionException("'" + value + "' is not a duration; use e.g. 250ms, 5s, 2m or 1h");
      };
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      throw new TypeConversionException("'" + value + "' is not a duration; use e.g. 250ms, 5s, 2m or 1h");
    }
  }
}
