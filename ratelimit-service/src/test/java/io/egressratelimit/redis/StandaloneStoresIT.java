package io.egressratelimit.redis;

import io.egressratelimit.limiter.BucketStore;
import io.egressratelimit.limiter.BucketStoreContract;
import io.egressratelimit.limiter.NanoClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The store contract on one standalone redis-server, for both strategies. */
class StandaloneStoresIT {
  private static RedisNode redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisNodes.server();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Nested
  class AtomicScript extends BucketStoreContract {
    @Override
    protected BucketStore createStore(NanoClock clock) {
      return TestStores.atClientTime(redis.url(), RedisTopology.SINGLE, RedisStrategy.ATOMIC_SCRIPT, clock);
    }
  }

  @Nested
  class Bucket4jCas extends BucketStoreContract {
    @Override
    protected BucketStore createStore(NanoClock clock) {
      return TestStores.atClientTime(redis.url(), RedisTopology.SINGLE, RedisStrategy.BUCKET4J_CAS, clock);
    }
  }
}
