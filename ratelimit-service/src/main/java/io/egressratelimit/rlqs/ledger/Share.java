package io.egressratelimit.rlqs.ledger;

/**
 * What one Envoy may admit for one bucket: a token bucket of {@code maxTokens} refilled with
 * {@code tokensPerPeriod} per period, or nothing at all (both zero), which is sent as DENY_ALL.
 */
public record Share(long maxTokens, long tokensPerPeriod) {
  public static final Share NONE = new Share(0, 0);

  public Share {
    if (maxTokens < 0 || tokensPerPeriod < 0 || (maxTokens == 0) != (tokensPerPeriod == 0)) {
      throw new IllegalArgumentException("a share has both a burst and a rate, or neither: "
          + maxTokens + ", " + tokensPerPeriod);
    }
  }

  public boolean none() {
    return maxTokens == 0;
  }

  /** Whether moving from this share to the target is worth a new token bucket (which costs its burst). */
  boolean farFrom(Share target) {
    if (none() || target.none()) {
      return none() != target.none();
    }
    return Math.abs(target.tokensPerPeriod - tokensPerPeriod) * 8 > tokensPerPeriod
        || Math.abs(target.maxTokens - maxTokens) * 4 > maxTokens;
  }
}
