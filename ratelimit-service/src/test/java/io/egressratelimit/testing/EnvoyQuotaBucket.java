package io.egressratelimit.testing;

/**
 * One bucket of Envoy's rate_limit_quota filter, as its source behaves (docs/rlqs.md, "What Envoy's
 * filter does"), configured with DENY_ALL for no assignment and for an expired one: denies until
 * an assignment arrives; a token bucket that differs from the active one (or arrives after the
 * active one expired) starts full; an equal one keeps the tokens and only restarts the TTL timer.
 * Time is whatever the caller counts in, in seconds as a double.
 */
public final class EnvoyQuotaBucket {
  private long maxTokens;
  private long tokensPerFill;
  private long fillSeconds;
  private boolean denyAll = true;
  private double tokens;
  private double lastFill;
  private double expiresAt = Double.NEGATIVE_INFINITY;

  /** A token-bucket assignment arriving at {@code now}. */
  public synchronized void assignTokenBucket(long max, long perFill, long fillIntervalSeconds, long ttlSeconds,
      double now) {
    boolean active = now < expiresAt;
    boolean same = active && !denyAll && max == maxTokens && perFill == tokensPerFill;
    if (!same) {
      refill(now);
      maxTokens = max;
      tokensPerFill = perFill;
      fillSeconds = fillIntervalSeconds;
      tokens = max;
      lastFill = now;
    }
    denyAll = false;
    expiresAt = now + ttlSeconds;
  }

  /** A DENY_ALL assignment arriving at {@code now}. */
  public synchronized void assignDenyAll(long ttlSeconds, double now) {
    denyAll = true;
    expiresAt = now + ttlSeconds;
  }

  /** Envoy's decision for one request at {@code now}. */
  public synchronized boolean tryAdmit(double now) {
    if (denyAll || now >= expiresAt) {
      return false;
    }
    refill(now);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  private void refill(double now) {
    if (fillSeconds > 0) {
      tokens = Math.min(maxTokens, tokens + (now - lastFill) * tokensPerFill / fillSeconds);
    }
    lastFill = now;
  }
}
