package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;

/**
 * Redis keys: {@code prefix + "{" + shard + "}" + bucket}. The hash tag puts every bucket of one
 * domain in one Redis Cluster slot, which the atomic script's all-or-nothing needs.
 */
final class RedisKeys {
  /** Redis hashes a key with an empty tag {@code {}} whole, which would split a batch over slots. */
  private static final String UNSHARDED = "_";

  private final String prefix;

  RedisKeys(String prefix) {
    this.prefix = prefix;
  }

  String of(BucketBatch batch, BucketClaim claim) {
    String tag = batch.shard().isEmpty() ? UNSHARDED : batch.shard().replace("{", "(").replace("}", ")");
    return prefix + "{" + tag + "}" + claim.key();
  }
}
