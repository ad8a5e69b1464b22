package io.egressratelimit.domain;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The numbers of one limit: how many requests per period, and which algorithm holds them.
 *
 * @param requestsPerPeriod N, the budget per period
 * @param period the length of the window (a calendar unit or any whole number of seconds)
 * @param unit the Envoy unit the period equals, when it equals one
 * @param algorithm how the budget is enforced
 * @param burst the bucket capacity; for FIXED_WINDOW it always equals N
 */
public record LimitPolicy(
    long requestsPerPeriod, Duration period, Optional<RateUnit> unit, Algorithm algorithm, long burst) {

  public LimitPolicy {
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(algorithm, "algorithm");
    if (requestsPerPeriod < 0) {
      throw new IllegalArgumentException("requestsPerPeriod must not be negative");
    }
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period must be positive");
    }
    if (burst < 0) {
      throw new IllegalArgumentException("burst must not be negative");
    }
  }

  /** envoyproxy/ratelimit's meaning: N per calendar unit, in epoch-aligned windows. */
  public static LimitPolicy fixedWindow(long requestsPerUnit, RateUnit unit) {
    return new LimitPolicy(
        requestsPerUnit, unit.length(), Optional.of(unit), Algorithm.FIXED_WINDOW, requestsPerUnit);
  }

  /** A short human form, e.g. {@code 100/minute} or {@code 20/10s strict burst=10}. */
  public String describe() {
    String window = unit.map(u -> u.name().toLowerCase(java.util.Locale.ROOT))
        .orElseGet(() -> period.toSeconds() + "s");
    String base = requestsPerPeriod + "/" + window;
    return switch (algorithm) {
      case FIXED_WINDOW -> base;
      case TOKEN_BUCKET -> base + " token_bucket burst=" + burst;
      case STRICT -> base + " strict burst=" + burst;
    };
  }
}
