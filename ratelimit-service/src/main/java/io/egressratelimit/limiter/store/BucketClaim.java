package io.egressratelimit.limiter.store;

import java.util.Objects;

/**
 * What one descriptor asks of one bucket.
 *
 * @param key the bucket's identity (without any store prefix)
 * @param spec the bucket's shape
 * @param required tokens that must be available for the claim to pass
 * @param consume tokens to take when the batch is admitted: equal to required, or 0 for a check
 * @param enforced whether a failed claim denies the whole batch (false for shadow and quota mode)
 */
public record BucketClaim(String key, BucketSpec spec, long required, long consume, boolean enforced) {
  public BucketClaim {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(spec, "spec");
    if (required < 0 || consume < 0 || consume > required) {
      throw new IllegalArgumentException("need 0 <= consume <= required");
    }
  }

  /** The same claim, taking nothing: it only checks the bucket. */
  public BucketClaim checkOnly() {
    return new BucketClaim(key, spec, required, 0, enforced);
  }

  /** The same claim, denying the whole batch when it fails. */
  public BucketClaim enforcing() {
    return new BucketClaim(key, spec, required, consume, true);
  }
}
