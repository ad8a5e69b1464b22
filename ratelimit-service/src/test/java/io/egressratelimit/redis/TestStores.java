package io.egressratelimit.redis;

import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.redis.cas.CasStores;
import io.lettuce.core.codec.StringCodec;
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

  /**
   * The script store of versions before the buckets spread: every key tagged by its domain, also on
   * a Cluster. The script and the format of what it stores are those of this version; only the keys
   * differ.
   */
  static BucketStore domainTaggedAtClientTime(String url, RedisTopology topology, NanoClock clock) {
    RedisStoreSettings settings = settings(url, topology, RedisStrategy.ATOMIC_SCRIPT);
    return new LuaBucketStore(new LettuceScriptRunner(RedisConnector.connect(settings, StringCodec.UTF8)),
        new KeyLayout(settings.keyPrefix(), false, false), DecisionTime.client(clock).clientClock(),
        settings.timeout(), settings.deadlineMargin(), settings.maxInFlight());
  }
}
