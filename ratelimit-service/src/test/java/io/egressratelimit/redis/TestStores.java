package io.egressratelimit.redis;

import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.redis.cas.CasStores;
import java.time.Duration;

/** Redis stores as the tests build them. */
final class TestStores {
  private TestStores() {}

  /**
   * A generous timeout: these tests are about answers, and a loaded two-core machine can stall a
   * round trip for longer than production's 50 ms.
   */
  static RedisStoreSettings settings(String url, RedisTopology topology, RedisStrategy strategy) {
    return RedisStoreSettings.of(url, topology)
        .withKeyPrefix("test:")
        .withTimeout(Duration.ofSeconds(5))
        .withStrategy(strategy);
  }

  /** A store deciding at {@code clock}'s time, so tests can move time by hand. */
  static BucketStore atClientTime(String url, RedisTopology topology, RedisStrategy strategy, NanoClock clock) {
    return connect(settings(url, topology, strategy), DecisionTime.client(clock));
  }

  /** The store of the settings' strategy, chosen as the composition root chooses it. */
  static BucketStore connect(RedisStoreSettings settings, DecisionTime time) {
    return switch (settings.strategy()) {
      case ATOMIC_SCRIPT -> ScriptStores.connect(settings, time);
      case BUCKET4J_CAS -> CasStores.connect(settings, time);
    };
  }
}
