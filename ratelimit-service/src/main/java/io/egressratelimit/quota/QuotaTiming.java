package io.egressratelimit.quota;

import java.time.Duration;

/**
 * The times the bound rests on.
 *
 * @param ttl every assignment's {@code assignment_time_to_live}; whole seconds, since Envoy drops the nanos
 * @param delivery D: the longest time from recording an assignment in the ledger to Envoy applying it
 */
public record QuotaTiming(Duration ttl, Duration delivery) {
  public QuotaTiming {
    if (ttl.toNanosPart() != 0 || ttl.toSeconds() < 2) {
      throw new IllegalArgumentException("the assignment TTL must be whole seconds, at least 2s, got " + ttl);
    }
    if (delivery.isNegative() || delivery.isZero() || delivery.compareTo(ttl) >= 0) {
      throw new IllegalArgumentException("the delivery allowance must be positive and below the TTL, got " + delivery);
    }
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
