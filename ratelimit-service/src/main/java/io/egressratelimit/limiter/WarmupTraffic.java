package io.egressratelimit.limiter;

import io.egressratelimit.config.ReservedDomains;
import io.egressratelimit.domain.BucketKey;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import java.time.Duration;

/**
 * The calls a replica sends itself before it reports SERVING: rehearsals of real calls. A
 * rehearsal walks the whole path of a real call in a real domain, rule matching included, but
 * each of its claims is moved to a bucket of its own, under a bucket key that starts with the
 * reserved warm-up domain, which no descriptor can write, with a one-second shape of a million tokens. So the warm-up
 * spends no real budget, its buckets expire within seconds, and the stores and listeners can tell
 * its batches from a caller's and keep them out of every metric and view operators read.
 */
public final class WarmupTraffic {
  public static final String DOMAIN = ReservedDomains.WARMUP;
  /** The gRPC metadata key a rehearsal carries, with the replica's own secret as its value. */
  public static final String HEADER = "x-ratelimit-warmup";
  /** Every rehearsal bucket's key starts so; a real domain's keys start with that domain, never this reserved one. */
  private static final String KEY_PREFIX = new BucketKey(DOMAIN).toString() + "|";
  private static final long TOKENS = 1_000_000;

  private WarmupTraffic() {}

  /** Whether the batch is a rehearsal's: its claims are on rehearsal buckets (see {@link #rehearsalOf}). */
  public static boolean isRehearsal(BucketBatch batch) {
    return WarmupTraffic.DOMAIN.equals(batch.domain())
        || (!batch.claims().isEmpty() && isRehearsalKey(batch.claims().get(0).key()));
  }

  public static boolean isRehearsalKey(String bucketKey) {
    return bucketKey.startsWith(KEY_PREFIX);
  }

  /**
   * The claim a rehearsal makes instead of {@code claim}: the same ask, on a bucket of its own
   * that refills a million tokens a second in the same style, so it always has tokens, lives a
   * second, and shares nothing with the real bucket.
   */
  static BucketClaim rehearsalOf(BucketClaim claim) {
    String key = new BucketKey(DOMAIN).entry("rehearses", claim.key()).toString();
    BucketSpec spec = new BucketSpec(TOKENS, TOKENS, Duration.ofSeconds(1), claim.spec().style(), TOKENS);
    return new BucketClaim(key, spec, Math.min(claim.required(), TOKENS), Math.min(claim.consume(), TOKENS),
        claim.enforced(), claim.kind());
  }
}
