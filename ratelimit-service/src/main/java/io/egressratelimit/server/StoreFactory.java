package io.egressratelimit.server;

import io.egressratelimit.budgets.BudgetActivity;
import io.egressratelimit.limiter.CircuitBreakingStore;
import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.OverLimitCache;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.logging.LogThrottle;
import io.egressratelimit.memory.InMemoryBucketStore;
import io.egressratelimit.memory.InMemoryLedgerStore;
import io.egressratelimit.metrics.TimedBucketStore;
import io.egressratelimit.redis.ConnectingRedisStore;
import io.egressratelimit.redis.RedisLedgerStore;
import io.egressratelimit.redis.RedisStoreSettings;
import io.egressratelimit.redis.ScriptStores;
import io.egressratelimit.redis.cas.CasStores;
import io.egressratelimit.rlqs.ledger.LedgerStore;
import io.egressratelimit.settings.ServerSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Builds the whole bucket store stack, and the RLQS ledger store on the same backend: the backend,
 * traced and timed for metrics, behind a circuit breaker (Redis only) so a failing backend costs no
 * waiting, behind the over-limit cache so a known-empty bucket costs no round trip, behind the
 * activity that {@code /budgets} shows. A Redis store exists before its
 * first connection does (see {@link ConnectingRedisStore}); its ledgers run on that connection.
 */
final class StoreFactory {
  /**
   * The store the engine calls, the breaker inside it when there is one, and when the backend is first
   * connected (at once for the embedded store); by then the breaker is closed. {@code awaitFirstAttempt}
   * waits for the first try to connect, which runs while the rest of the service starts, and throws
   * a {@link StartupException} when it failed for a reason waiting never fixes.
   */
  record Stores(BudgetActivity store, Optional<CircuitBreakingStore> breaker, CompletionStage<Void> connected,
      Runnable awaitFirstAttempt, LedgerStore ledgers) {}

  private StoreFactory() {}

  /**
   * @param rehearsalRegistry where the warm-up's store calls are timed, apart from the real ones
   * @param aroundBackend wraps the backend itself, inside the timing (tracing's round-trip span)
   */
  static Stores create(ServerSettings settings, ScheduledExecutorService housekeeping, MeterRegistry registry,
      MeterRegistry rehearsalRegistry, UnaryOperator<BucketStore> aroundBackend) {
    BucketStore store;
    Optional<CircuitBreakingStore> breaker = Optional.empty();
    CompletionStage<Void> connected;
    Runnable awaitFirstAttempt = () -> {};
    LedgerStore ledgers;
    if (settings.store().redis().isPresent()) {
      RedisStoreSettings redisSettings = settings.store().redis().get();
      // RLQS ledgers share the bucket store's connection: up when it is, closed with it.
      RedisLedgerStore redisLedgers = new RedisLedgerStore(redisSettings);
      ledgers = redisLedgers;
      ConnectingRedisStore redis = ConnectingRedisStore.start(redisSettings, switch (redisSettings.strategy()) {
        case ATOMIC_SCRIPT -> () -> ScriptStores.connect(redisSettings, redisLedgers);
        case BUCKET4J_CAS -> () -> CasStores.connect(redisSettings, redisLedgers);
      });
      awaitFirstAttempt = () -> {
        try {
          redis.awaitFirstAttempt();
        } catch (RuntimeException e) {
          throw new StartupException(e.getMessage(), e);
        }
      };
      Duration openFor = Duration.ofSeconds(1);
      CircuitBreakingStore breaking = new CircuitBreakingStore(
          new TimedBucketStore(aroundBackend.apply(redis), registry, rehearsalRegistry),
          System::nanoTime, 5, Duration.ofMillis(250), openFor,
          new StoreOutageLog(redis::describe, openFor,
              new LogThrottle(StoreOutageLog.PERIOD)));
      breaker = Optional.of(breaking);
      store = breaking;
      // Calls refused before the first connection may have opened the breaker; Redis answers now.
      connected = redis.connected().thenRun(breaking::reset);
    } else {
      InMemoryBucketStore memory = new InMemoryBucketStore(NanoClock.SYSTEM);
      housekeeping.scheduleWithFixedDelay(memory::evictIdle, 10, 10, TimeUnit.SECONDS);
      store = new TimedBucketStore(aroundBackend.apply(memory), registry, rehearsalRegistry);
      connected = CompletableFuture.completedFuture(null);
      ledgers = new InMemoryLedgerStore();
    }
    if (settings.store().overLimitCacheSize() > 0) {
      OverLimitCache cache = new OverLimitCache(store, NanoClock.SYSTEM, settings.store().overLimitCacheSize());
      gaugeEntries(cache, registry);
      store = cache;
    }
    // Outermost, so it sees every decision, also those the over-limit cache answers locally.
    BudgetActivity activity = new BudgetActivity(store, NanoClock.SYSTEM, settings.budgets().trackedBuckets());
    return new Stores(activity, breaker, connected, awaitFirstAttempt, ledgers);
  }

  /** What operators size the cache by: each kind stays under its bound, however many buckets there are. */
  private static void gaugeEntries(OverLimitCache cache, MeterRegistry registry) {
    String description = "Buckets the over-limit cache remembers: empty ones (kind=empty) and ones last seen in a "
        + "request of several buckets (kind=seen); each kind holds at most --over-limit-cache-size";
    Gauge.builder("ratelimit.over.limit.cache.entries", cache, OverLimitCache::emptyEntries)
        .description(description).tag("kind", "empty").strongReference(true).register(registry);
    Gauge.builder("ratelimit.over.limit.cache.entries", cache, OverLimitCache::seenEntries)
        .description(description).tag("kind", "seen").strongReference(true).register(registry);
  }
}
