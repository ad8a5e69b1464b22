package io.egressratelimit.settings;

import io.egressratelimit.redis.RedisStoreSettings;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the buckets live.
 *
 * @param redis the Redis store; empty selects the embedded in-memory store
 * @param overLimitCacheSize buckets remembered as empty, answered without a round trip; 0 disables
 */
public record StoreSettings(Optional<RedisStoreSettings> redis, int overLimitCacheSize) {
  public StoreSettings {
    Objects.requireNonNull(redis, "redis");
  }

  public StoreSettings withRedis(Optional<RedisStoreSettings> value) {
    return new StoreSettings(value, overLimitCacheSize);
  }
}
