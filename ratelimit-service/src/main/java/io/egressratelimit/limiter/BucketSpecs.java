package io.egressratelimit.limiter;

import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.limiter.store.BucketSpec.RefillStyle;
import io.egressratelimit.limiter.store.BucketSpec;

/** Turns a limit into the bucket that enforces exactly its guarantee. */
public final class BucketSpecs {
  private BucketSpecs() {}

  /** The bucket for a policy with at least one request per period. */
  public static BucketSpec of(LimitPolicy policy) {
    long n = policy.requestsPerPeriod();
    return switch (policy.algorithm()) {
      // Refilling all N at each epoch-aligned boundary into a bucket of N is exactly a fixed window.
      case FIXED_WINDOW -> new BucketSpec(n, n, policy.period(), RefillStyle.INTERVAL_ALIGNED, n);
      case TOKEN_BUCKET -> new BucketSpec(policy.burst(), n, policy.period(), RefillStyle.GREEDY, policy.burst());
      // Capacity b plus (N - b) refilled per period caps any window at N; starting empty keeps
      // that true across a lost state, because the last window before the loss may have spent b.
      case STRICT -> new BucketSpec(policy.burst(), n - policy.burst(), policy.period(), RefillStyle.GREEDY, 0);
    };
  }
}
