package io.egressratelimit.rlqs.ledger;

import java.time.Duration;

/**
 * The times the bound rests on.
 *
 * @param ttl every assignment's {@code assignment_time_to_live}; whole seconds, since Envoy drops the nanos
 * @param delivery D: the longest time from recording an assignment in the ledger to Envoy applying it
 */
public record QuotaTiming(Duration ttl, Duration delivery) {
  /**
   * How often Envoy 1.40 reports each bucket: every 5 s, whatever the bucket's {@code reporting_interval}
   * says (the interval is hard-coded in the filter; envoyproxy/envoy#46033).
   */
  public static final Duration ENVOY_REPORT_INTERVAL = Duration.ofSeconds(5);

  public QuotaTiming {
    if (ttl.toNanosPart() != 0 || ttl.toSeconds() < 2) {
      throw new IllegalArgumentException("the assignment TTL must be whole seconds, at least 2s, got " + ttl);
    }
    if (delivery.isNegative() || delivery.isZero() || delivery.compareTo(ttl) >= 0) {
      throw new IllegalArgumentException("the delivery allowance must be positive and below the TTL, got " + delivery);
    }
  }

  /**
   * Whether an unchanged share sent at Envoy's next report arrives before the share expires: the TTL
   * outlasts a report interval plus D. Otherwise every report hands the share out anew (paying its
   * burst again) and Envoy denies between expiry and the next answer.
   */
  public boolean outlastsEnvoyReports() {
    return ENVOY_REPORT_INTERVAL.plus(delivery).compareTo(ttl) < 0;
  }

  long ttlMicros() {
    return ttl.toNanos() / 1000;
  }

  long deliveryMicros() {
    return delivery.toNanos() / 1000;
  }

  /** How long after the ledger is created (or lost) nothing is handed out: the old assignments' lifetime. */
  long embargoMicros() {
    return ttlMicros() + deliveryMicros();
  }
}
