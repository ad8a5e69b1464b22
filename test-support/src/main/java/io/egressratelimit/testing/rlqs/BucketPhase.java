package io.egressratelimit.testing.rlqs;

/** Where a bucket is in the life Envoy's filter gives it. */
public enum BucketPhase {
  /** Before the first assignment, after the expired fallback, or anew after an abandon action. */
  NO_ASSIGNMENT,
  /** An assignment within its time to live. */
  ASSIGNED,
  /** The assignment's time to live is over; the expired-assignment fallback rules. */
  EXPIRED_FALLBACK
}
