package io.egressratelimit.redis;

import io.egressratelimit.limiter.BucketStore;
import io.egressratelimit.limiter.BucketStoreContract;
import io.egressratelimit.limiter.NanoClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on a real standalone Redis. */
class LuaBucketStoreTest extends BucketStoreContract {
  private static RedisServerProcess redis;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Override
  protected BucketStore createStore(NanoClock clock) {
    RedisStoreSettings settings = RedisStoreSettings.standalone(redis.url());
    // Generous: the contract is about answers, and a loaded CI machine can stall a round trip.
    settings = new RedisStoreSettings(settings.url(), settings.topology(), settings.password(), "test:",
        Duration.ofSeconds(5), 2);
    return RedisStores.connect(settings, Optional.of(clock));
  }
}
