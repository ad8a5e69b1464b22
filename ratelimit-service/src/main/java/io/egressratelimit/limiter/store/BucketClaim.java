package io.egressratelimit.limiter.store;

import java.util.Objects;

/**
 * What one descriptor asks of one bucket.
 *
 * @param key the bucket's identity (without any store prefix)
 * @param spec the bucket's shape
 * @param required tokens that must be available for the claim to pass
 * @param consume tokens to take when the batch is admitted: equal to required, or 0 for a check; for
 *     a {@link Kind#CHARGE} or {@link Kind#REFUND}, the tokens charged or given back
 * @param enforced whether a failed claim denies the whole batch (false for shadow and quota mode)
 * @param kind whether the claim takes tokens it must find, or settles a call already made
 */
public record BucketClaim(String key, BucketSpec spec, long required, long consume, boolean enforced, Kind kind) {

  /** How a claim changes its bucket. */
  public enum Kind {
    /** Takes {@code consume} tokens when the batch is admitted, and only if {@code required} are there. */
    TAKE,
    /**
     * A post-paid charge: takes {@code consume} tokens whatever the bucket holds, so it may go below
     * zero. Applied whether or not the batch is admitted; it always passes and never denies.
     */
    CHARGE,
    /**
     * Gives {@code consume} tokens back, never filling the bucket past its capacity. Applied whether
     * or not the batch is admitted; it always passes and never denies.
     */
    REFUND
  }

  public BucketClaim {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.TAKE && (required < 0 || consume < 0 || consume > required)) {
      throw new IllegalArgumentException("need 0 <= consume <= required");
    }
    if (kind != Kind.TAKE && (required != 0 || consume < 0 || enforced)) {
      throw new IllegalArgumentException("a charge or refund requires nothing, denies nothing and moves 0 or more tokens");
    }
  }

  /** A claim that takes its tokens if it finds them. */
  public BucketClaim(String key, BucketSpec spec, long required, long consume, boolean enforced) {
    this(key, spec, required, consume, enforced, Kind.TAKE);
  }

  /** A post-paid charge of {@code tokens}: recorded even when it overdraws the bucket. */
  public static BucketClaim charge(String key, BucketSpec spec, long tokens) {
    return new BucketClaim(key, spec, 0, tokens, false, Kind.CHARGE);
  }

  /** Gives {@code tokens} back to the bucket, up to its capacity. */
  public static BucketClaim refund(String key, BucketSpec spec, long tokens) {
    return new BucketClaim(key, spec, 0, tokens, false, Kind.REFUND);
  }

  /** Whether this claim settles a call already made: it is applied whatever the batch's outcome. */
  public boolean settles() {
    return kind != Kind.TAKE;
  }

  /**
   * The same claim, taking nothing: it only checks the bucket. A charge or refund stays as it is:
   * the call it settles was made, whatever this request's outcome.
   */
  public BucketClaim checkOnly() {
    return settles() ? this : new BucketClaim(key, spec, required, 0, enforced);
  }

  /** The same claim, denying the whole batch when it fails; a charge or refund never denies. */
  public BucketClaim enforcing() {
    return settles() ? this : new BucketClaim(key, spec, required, consume, true);
  }

  /** The same claim on another key (where a store keeps the bucket under a name of its own). */
  public BucketClaim withKey(String otherKey) {
    return new BucketClaim(otherKey, spec, required, consume, enforced, kind);
  }

  /** A claim on the same bucket that reads it and changes nothing: a settlement already applied. */
  public BucketClaim readOnly() {
    return new BucketClaim(key, spec, 0, 0, false);
  }
}
