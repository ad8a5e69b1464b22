package io.egressratelimit.redis.cas;

import io.egressratelimit.bucket4j.Bucket4jShapes;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.redis.DecisionTime;
import io.egressratelimit.redis.RedisConnection;
import io.egressratelimit.redis.RedisLedgerStore;
import io.egressratelimit.redis.RedisConnector;
import io.egressratelimit.redis.RedisStoreSettings;
import io.egressratelimit.redis.RedisStrategy;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;

/**
 * Connects to Redis and builds bucket4j's compare-and-swap store ({@code REDIS_STRATEGY=bucket4j}),
 * kept to compare the script against: it needs at least two round trips per bucket and retries
 * under contention.
 */
public final class CasStores {
  /**
   * How long a bucket4j bucket outlives the moment it is full again. A strict bucket that expires is
   * reborn empty, so this grace keeps an idle strict budget from starting over empty too soon.
   */
  private static final Duration KEEP_AFTER_FULL = Duration.ofHours(1);

  private CasStores() {}

  /** The store deciding at the Redis server's time. */
  public static BucketStore connect(RedisStoreSettings settings) {
    return connect(settings, DecisionTime.redisServer());
  }

  /** The store deciding at the Redis server's time, with the RLQS ledgers on its connection. */
  public static BucketStore connect(RedisStoreSettings settings, RedisLedgerStore ledgers) {
    return connect(settings, DecisionTime.redisServer(), ledgers::runOnBytes);
  }

  public static BucketStore connect(RedisStoreSettings settings, DecisionTime time) {
    return connect(settings, time, connection -> {});
  }

  private static BucketStore connect(RedisStoreSettings settings, DecisionTime time,
      java.util.function.Consumer<RedisConnection<byte[]>> alsoOn) {
    if (settings.strategy() != RedisStrategy.BUCKET4J_CAS) {
      throw new IllegalArgumentException("the " + settings.strategy() + " strategy is not bucket4j's");
    }
    RedisConnection<byte[]> connection =
        RedisConnector.connect(settings, RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    alsoOn.accept(connection);
    RedisTimeClock redisTime = null;
    try {
      TimeMeter clock;
      if (time.clientClock().isPresent()) {
        clock = Bucket4jShapes.timeMeter(time.clientClock().get());
      } else {
        redisTime = RedisTimeClock.start(connection.commands(), time.localTicker(), Duration.ofSeconds(2));
        clock = redisTime;
      }
      AsyncProxyManager<String> proxyManager = connection.either(
          single -> Bucket4jLettuce.casBasedBuilder(single), cluster -> Bucket4jLettuce.casBasedBuilder(cluster))
          .clientClock(clock)
          .requestTimeout(settings.timeout())
          .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL))
          .build()
          .asAsync();
      RedisTimeClock sampler = redisTime;
      AutoCloseable resources = () -> {
        if (sampler != null) {
          sampler.close();
        }
        connection.close();
      };
      return new Bucket4jCasStore(proxyManager, settings.keyPrefix(), clock, settings.timeout(),
          settings.deadlineMargin(), connection.describe(),
          resources);
    } catch (RuntimeException e) {
      if (redisTime != null) {
        redisTime.close();
      }
      connection.close();
      throw e;
    }
  }
}
