package io.egressratelimit.rlqs.ledger;

import io.egressratelimit.domain.Algorithm;
import io.egressratelimit.domain.LimitPolicy;

/**
 * One budget as a token bucket that the fleet's assignments share: at most {@code burst} tokens at
 * once, refilled at {@code ratePerPeriod} per period.
 *
 * @param burst b, the bucket's capacity
 * @param ratePerPeriod R, tokens added per period: N for token_bucket, N - b for strict
 * @param periodSeconds the period in whole seconds; every assignment's fill interval
 * @param startsFull whether a new (or lost) ledger opens with b tokens: token_bucket does, strict
 *     opens empty so a lost ledger cannot let a window see more than N
 */
public record QuotaBudget(long burst, long ratePerPeriod, long periodSeconds, boolean startsFull) {
  /** Keeps {@code (burst + rate) × period in µs} inside a long, with room for the sums. */
  static final long MAX_SCALED = Long.MAX_VALUE / 4;

  public QuotaBudget {
    if (burst < 1 || ratePerPeriod < 1 || periodSeconds < 1) {
      throw new IllegalArgumentException("a quota budget needs burst, rate and period of at least 1");
    }
    if ((double) (burst + ratePerPeriod) * periodSeconds * 1_000_000d >= MAX_SCALED) {
      throw new IllegalArgumentException("burst and rate times the period are too large for a quota budget");
    }
  }

  /** The budget of a token_bucket or strict policy; empty for a fixed window, which no token bucket holds. */
  public static java.util.Optional<QuotaBudget> of(LimitPolicy policy) {
    long seconds = policy.period().toSeconds();
    if (seconds < 1 || policy.period().toNanosPart() != 0) {
      return java.util.Optional.empty();
    }
    return switch (policy.algorithm()) {
      case TOKEN_BUCKET -> java.util.Optional.of(
          new QuotaBudget(policy.burst(), policy.requestsPerPeriod(), seconds, true));
      case STRICT -> java.util.Optional.of(
          new QuotaBudget(policy.burst(), policy.requestsPerPeriod() - policy.burst(), seconds, false));
      case FIXED_WINDOW -> java.util.Optional.empty();
    };
  }

  /** Whether the policy can be split into Envoy token buckets at all. */
  public static boolean splittable(LimitPolicy policy) {
    return policy.algorithm() != Algorithm.FIXED_WINDOW;
  }

  long periodMicros() {
    return periodSeconds * 1_000_000L;
  }

  /** Tokens scaled by the period in µs, so refill over whole µs stays in integers. */
  long scaled(long tokens) {
    return tokens * periodMicros();
  }
}
