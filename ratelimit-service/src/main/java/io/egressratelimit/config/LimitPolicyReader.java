package io.egressratelimit.config;

import io.egressratelimit.domain.Algorithm;
import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.RateUnit;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns the numbers of a limited {@code rate_limit} block into a {@link LimitPolicy}: the upstream
 * {@code unit}/{@code requests_per_unit}, or our {@code period}, {@code algorithm} and {@code burst}.
 */
final class LimitPolicyReader {
  /** Envoy reports limits as a uint32, so a larger number could never be sent back to it. */
  private static final BigInteger MAX_COUNT = BigInteger.valueOf(4_294_967_295L);

  private static final String UNITS = Arrays.stream(RateUnit.values())
      .map(unit -> unit.name().toLowerCase(Locale.ROOT))
      .collect(Collectors.joining(", "));
  private static final String ALGORITHMS = "fixed_window, token_bucket, strict";
  /** Longer windows than this make no sense, and the bucket arithmetic stays far from overflow. */
  private static final Duration MAX_WINDOW = Duration.ofDays(365L * 100);

  private LimitPolicyReader() {}

  static LimitPolicy read(YamlMap block) throws ConfigException {
    Optional<YamlValue> unitValue = block.get("unit");
    Optional<YamlValue> periodValue = block.get("period");
    if (unitValue.isPresent() && periodValue.isPresent()) {
      throw periodValue.get().error("period and unit are exclusive; keep one of them");
    }
    if (unitValue.isEmpty() && periodValue.isEmpty()) {
      throw block.missing("unit",
          "missing; expected one of " + UNITS + " (or a period such as 30s, or unlimited: true)");
    }
    long requests = count(
        block.require("requests_per_unit", "missing; a limit needs requests_per_unit (or unlimited: true)"));
    Algorithm algorithm = algorithm(block.get("algorithm"));
    Optional<RateUnit> unit = unitValue.isPresent() ? Optional.of(unit(unitValue.get())) : Optional.empty();
    long multiplier = unitMultiplier(block, unit);
    Duration period = unit.isPresent() ? unit.get().length().multipliedBy(multiplier) : period(periodValue.get());
    if (multiplier != 1) {
      unit = RateUnit.ofLength(period);
    }
    if (requests > period.toNanos()) {
      // Buckets refill with nanosecond precision: more than one token per nanosecond cannot be kept.
      throw block.require("requests_per_unit", "").error("at most one request per nanosecond can be limited ("
          + period.toNanos() + " per " + period.toSeconds() + "s), got " + requests);
    }

    return switch (algorithm) {
      case FIXED_WINDOW -> fixedWindow(block, requests, unit, period);
      case TOKEN_BUCKET -> tokenBucket(block, requests, period);
      case STRICT -> strict(block, requests, period);
    };
  }

  /**
   * envoyproxy/ratelimit's {@code unit_multiplier}: the window is that many units long ({@code unit:
   * minute} with {@code unit_multiplier: 5} is a five-minute window), 1 when absent.
   */
  private static long unitMultiplier(YamlMap block, Optional<RateUnit> unit) throws ConfigException {
    Optional<YamlValue> value = block.get("unit_multiplier");
    if (value.isEmpty()) {
      return 1;
    }
    if (unit.isEmpty()) {
      throw value.get().error("unit_multiplier multiplies unit; with period, write the whole period instead");
    }
    long multiplier = count(value.get());
    if (multiplier < 1) {
      throw value.get().error("unit_multiplier must be at least 1, got " + multiplier);
    }
    if (multiplier > MAX_WINDOW.dividedBy(unit.get().length())) {
      throw value.get().error("unit_multiplier makes a window longer than 100 years (" + multiplier + " "
          + unit.get().name().toLowerCase(Locale.ROOT) + "s)");
    }
    return multiplier;
  }

  private static LimitPolicy fixedWindow(YamlMap block, long requests, Optional<RateUnit> unit, Duration period)
      throws ConfigException {
    Optional<YamlValue> burst = block.get("burst");
    if (burst.isPresent()) {
      throw burst.get().error(
          "burst applies only to token_bucket and strict; fixed_window admits requests_per_unit per window");
    }
    if (unit.isPresent() && unit.get().length().equals(period)) {
      return LimitPolicy.fixedWindow(requests, unit.get());
    }
    return new LimitPolicy(requests, period, RateUnit.ofLength(period), Algorithm.FIXED_WINDOW, requests);
  }

  private static LimitPolicy tokenBucket(YamlMap block, long requests, Duration period) throws ConfigException {
    Optional<YamlValue> burstValue = block.get("burst");
    long burst = burstValue.isPresent() ? count(burstValue.get()) : requests;
    if (burst < 1) {
      YamlValue at = burstValue.orElseGet(() -> block.get("requests_per_unit").orElseThrow());
      throw at.error("token_bucket needs a burst of at least 1, got " + burst
          + (burstValue.isPresent() ? "" : " (burst defaults to requests_per_unit)"));
    }
    return new LimitPolicy(requests, period, RateUnit.ofLength(period), Algorithm.TOKEN_BUCKET, burst);
  }

  private static LimitPolicy strict(YamlMap block, long requests, Duration period) throws ConfigException {
    if (requests < 2) {
      // A strict bucket refills at (N - burst) per period with burst >= 1, so N = 1 leaves nothing to refill.
      throw block.get("requests_per_unit").orElseThrow()
          .error("strict needs requests_per_unit of at least 2, got " + requests);
    }
    Optional<YamlValue> burstValue = block.get("burst");
    long burst = burstValue.isPresent() ? count(burstValue.get()) : (requests + 1) / 2;
    if (burst < 1 || burst >= requests) {
      throw burstValue.orElseThrow().error("strict needs a burst of at least 1 and below requests_per_unit ("
          + requests + "), got " + burst);
    }
    return new LimitPolicy(requests, period, RateUnit.ofLength(period), Algorithm.STRICT, burst);
  }

  static long count(YamlValue value) throws ConfigException {
    BigInteger number = value.asWholeNumber();
    if (number.signum() < 0) {
      throw value.error("must not be negative, got " + number);
    }
    if (number.compareTo(MAX_COUNT) > 0) {
      throw value.error("must be at most " + MAX_COUNT + ", got " + number);
    }
    return number.longValueExact();
  }

  private static RateUnit unit(YamlValue value) throws ConfigException {
    String text = value.asText();
    try {
      return RateUnit.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw value.error("invalid rate limit unit '" + text + "'; expected one of " + UNITS);
    }
  }

  private static Duration period(YamlValue value) throws ConfigException {
    String text = value.asText();
    return PeriodSyntax.parse(text)
        .orElseThrow(() -> value.error("invalid period '" + text + "'; " + PeriodSyntax.EXPECTED));
  }

  private static Algorithm algorithm(Optional<YamlValue> value) throws ConfigException {
    if (value.isEmpty()) {
      return Algorithm.FIXED_WINDOW;
    }
    String text = value.get().asText();
    try {
      return Algorithm.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw value.get().error("unknown algorithm '" + text + "'; expected one of " + ALGORITHMS);
    }
  }
}
