package io.egressratelimit.settings;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads booleans as envoyproxy/ratelimit's environment does (Go's strconv.ParseBool), so the same
 * {@code SHADOW_MODE=1} or {@code REDIS_TLS=True} works here too.
 */
public final class BooleanConverter implements ITypeConverter<Boolean> {
  @Override
  public Boolean convert(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "t", "1", "yes", "on" -> true;
      case "false", "f", "0", "no", "off", "" -> false;
      default -> throw new TypeConversionException("'" + value + "' is not a boolean; use true or false");
    };
  }
}
