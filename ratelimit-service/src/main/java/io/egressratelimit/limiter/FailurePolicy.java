package io.egressratelimit.limiter;

import java.util.Locale;

/** What a request gets when the bucket store cannot answer. */
public enum FailurePolicy {
  /**
   * gRPC UNAVAILABLE, the default: Envoy's {@code failure_mode_deny} then decides, which keeps the
   * choice with the operator who configured the filter.
   */
  UNAVAILABLE,
  /** OVER_LIMIT: fail closed, for budgets where one call too many costs more than a refused one. */
  DENY,
  /** OK: fail open, for limits that protect nothing critical. */
  ALLOW;

  public static FailurePolicy parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("failure policy must be unavailable, deny or allow, got '" + text + "'", e);
    }
  }
}
