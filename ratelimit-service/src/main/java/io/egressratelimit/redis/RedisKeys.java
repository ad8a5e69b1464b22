package io.egressratelimit.redis;

import io.egressratelimit.domain.BucketKey;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;

/** The script path's keys, in the one format {@link BucketKey#inStore} writes. */
final class RedisKeys {
  private final String prefix;

  RedisKeys(String prefix) {
    this.prefix = prefix;
  }

  String of(BucketBatch batch, BucketClaim claim) {
    return BucketKey.inStore(prefix, batch.shard(), claim.key());
  }
}
