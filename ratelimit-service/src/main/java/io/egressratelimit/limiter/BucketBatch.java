package io.egressratelimit.limiter;

import java.util.List;
import java.util.Objects;

/**
 * Every claim of one request, applied all or nothing.
 *
 * @param claims the claims, in descriptor order
 * @param shard keeps a batch's buckets together where a store partitions keys (a Redis Cluster
 *     hash tag): the request's domain, since one request never spans domains
 */
public record BucketBatch(List<BucketClaim> claims, String shard) {
  public BucketBatch {
    claims = List.copyOf(claims);
    Objects.requireNonNull(shard, "shard");
  }

  public BucketBatch(List<BucketClaim> claims) {
    this(claims, "");
  }
}
