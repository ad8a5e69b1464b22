package io.egressratelimit.redis;

import io.egressratelimit.domain.BucketKey;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;

/**
 * Where a bucket lives in Redis: its key, and so its cluster slot. On a Cluster every bucket is
 * tagged with its own hash, so one domain's buckets spread over every master; on one node (single
 * or Sentinel), where no slot exists, keys keep the domain tag they always had, so an upgrade there
 * changes no key.
 *
 * @param spread tag each bucket by its own hash (a Cluster) rather than by its domain
 */
record KeyLayout(String prefix, boolean spread) {

  static KeyLayout of(RedisStoreSettings settings) {
    return new KeyLayout(settings.keyPrefix(), settings.topology() == RedisTopology.CLUSTER);
  }

  String keyOf(BucketBatch batch, BucketClaim claim) {
    return spread ? BucketKey.spreadInStore(prefix, claim.key()) : BucketKey.inStore(prefix, batch.shard(), claim.key());
  }
}
