package io.egressratelimit.limiter.store;

import java.util.List;
import java.util.Objects;

/**
 * Every claim of one request, applied all or nothing.
 *
 * @param claims the claims, in descriptor order
 * @param shard keeps a batch's buckets together where a store partitions keys (a Redis Cluster
 *     hash tag): the request's domain, since one request never spans domains
 * @param callerWaitNanos how much longer the caller waits for the answer (what its deadline has
 *     left when the request arrives); {@link #NO_CALLER_DEADLINE} when it set none. A store that
 *     can be slow gives up early enough for the failure policy's answer to arrive in time
 */
public record BucketBatch(List<BucketClaim> claims, String shard, long callerWaitNanos) {
  public static final long NO_CALLER_DEADLINE = Long.MAX_VALUE;

  public BucketBatch {
    claims = List.copyOf(claims);
    Objects.requireNonNull(shard, "shard");
  }

  public BucketBatch(List<BucketClaim> claims, String shard) {
    this(claims, shard, NO_CALLER_DEADLINE);
  }

  public BucketBatch(List<BucketClaim> claims) {
    this(claims, "");
  }

  public boolean hasCallerDeadline() {
    return callerWaitNanos != NO_CALLER_DEADLINE;
  }
}
