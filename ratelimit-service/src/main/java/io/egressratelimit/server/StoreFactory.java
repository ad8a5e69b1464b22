package io.egressratelimit.server;

import io.egressratelimit.limiter.BucketStore;
import io.egressratelimit.limiter.CircuitBreakingStore;
import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.OverLimitCache;
import io.egressratelimit.memory.InMemoryBucketStore;
import io.egressratelimit.metrics.TimedBucketStore;
import io.egressratelimit.redis.RedisStores;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Builds the bucket store: the backend, timed for metrics, behind a circuit breaker (Redis only)
 * so a failing backend costs no waiting, behind the over-limit cache so a known-empty bucket costs
 * no round trip.
 */
final class StoreFactory {
  /** The store the engine calls, and the breaker inside it when there is one. */
  record Stores(BucketStore store, Optional<CircuitBreakingStore> breaker) {}

  private StoreFactory() {}

  /** @param aroundBackend wraps the backend itself, inside the timing (tracing's round-trip span) */
  static Stores create(ServerSettings settings, ScheduledExecutorService housekeeping, MeterRegistry registry,
      UnaryOperator<BucketStore> aroundBackend) {
    BucketStore store;
    Optional<CircuitBreakingStore> breaker = Optional.empty();
    if (settings.redis().isPresent()) {
      BucketStore redis;
      try {
        redis = RedisStores.connect(settings.redis().get());
      } catch (RuntimeException e) {
        throw new StartupException(e.getMessage(), e);
      }
      CircuitBreakingStore breaking = new CircuitBreakingStore(new TimedBucketStore(aroundBackend.apply(redis), registry),
          NanoClock.SYSTEM, 5, Duration.ofMillis(250), Duration.ofSeconds(1));
      breaker = Optional.of(breaking);
      store = breaking;
    } else {
      InMemoryBucketStore memory = new InMemoryBucketStore(NanoClock.SYSTEM);
      housekeeping.scheduleWithFixedDelay(memory::evictIdle, 10, 10, TimeUnit.SECONDS);
      store = new TimedBucketStore(aroundBackend.apply(memory), registry);
    }
    if (settings.overLimitCacheSize() > 0) {
      store = new OverLimitCache(store, NanoClock.SYSTEM, settings.overLimitCacheSize());
    }
    return new Stores(store, breaker);
  }
}
