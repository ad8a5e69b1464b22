package io.egressratelimit.domain;

/**
 * How a limit turns into a bucket. Each one gives a different, exact guarantee; the README states
 * them side by side.
 */
public enum Algorithm {
  /**
   * envoyproxy/ratelimit's meaning, and the default: at most N in each window aligned to the epoch
   * (every whole minute for a per-minute limit). Two adjacent windows can admit 2N back to back.
   */
  FIXED_WINDOW,
  /** A classic token bucket: capacity {@code burst}, refilled continuously at N per period. */
  TOKEN_BUCKET,
  /**
   * At most N admitted in any sliding window of the period: capacity b refilled continuously at
   * (N - b) per period, so a window holds at most b + (N - b) = N. Buckets start empty so that a
   * lost state (a Redis restart, a process restart) can never let a window exceed N.
   */
  STRICT
}
