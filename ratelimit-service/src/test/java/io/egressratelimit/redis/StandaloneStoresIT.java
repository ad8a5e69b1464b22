package io.egressratelimit.redis;

import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.BucketStoreContract;
import io.egressratelimit.testing.redis.OneRedisServer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on one standalone redis-server, for both strategies. */
class StandaloneStoresIT {
  @RegisterExtension
  static final OneRedisServer redis = new OneRedisServer();

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
    protected boolean readsWithoutConsuming() {
      return false;
    }

    @Override
    protected BucketStore createStore(NanoClock clock) {
      return TestStores.atClientTime(redis.url(), RedisTopology.SINGLE, RedisStrategy.BUCKET4J_CAS, clock);
    }
  }
}
