package io.egressratelimit.redis;

import io.egressratelimit.bucket4j.Bucket4jShapes;
import io.egressratelimit.limiter.store.BucketStore;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Connects to Redis in the configured topology and builds the bucket store of the configured strategy. */
public final class RedisStores {
  /**
   * How long a bucket4j bucket outlives the moment it is full again. A strict bucket that expires is
   * reborn empty, so this grace keeps an idle strict budget from starting over empty too soon.
   */
  private static final Duration KEEP_AFTER_FULL = Duration.ofHours(1);

  private static final Duration SCRIPT_LOAD_TIMEOUT = Duration.ofSeconds(2);

  private RedisStores() {}

  /** The production store: decisions at the Redis server's time. */
  public static BucketStore connect(RedisStoreSettings settings) {
    return connect(settings, DecisionTime.redisServer());
  }

  /** A store deciding at the given time; tests move time by hand with {@link DecisionTime#client}. */
  public static BucketStore connect(RedisStoreSettings settings, DecisionTime time) {
    return switch (settings.strategy()) {
      case ATOMIC_SCRIPT -> atomicScript(settings, time);
      case BUCKET4J_CAS -> bucket4jCas(settings, time);
    };
  }

  private static BucketStore atomicScript(RedisStoreSettings settings, DecisionTime time) {
    RedisConnection<String> connection = RedisConnector.connect(settings, StringCodec.UTF8);
    loadScript(connection, settings);
    return new LuaBucketStore(new LettuceScriptRunner(connection), settings.keyPrefix(), time.clientClock(),
        settings.timeout(), settings.deadlineMargin(), settings.maxInFlight());
  }

  /**
   * Loads the script into every master's cache (Lettuce sends SCRIPT LOAD to all of a cluster's
   * masters), so no first call pays for a NOSCRIPT and a full EVAL. A Redis that refuses the
   * command (an ACL user allowed only EVAL and EVALSHA) still works: the first EVAL loads it.
   */
  private static void loadScript(RedisConnection<String> connection, RedisStoreSettings settings) {
    try {
      connection.commands().scriptLoad(TokenBucketScript.SOURCE).toCompletableFuture()
          .get(SCRIPT_LOAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof RedisCommandExecutionException)) {
        connection.close();
        throw new RedisConnectException("cannot load the token bucket script into Redis at "
            + RedisConnector.description(settings) + ": " + e.getCause().getMessage(), e, true);
      }
    } catch (TimeoutException e) {
      connection.close();
      throw new RedisConnectException("Redis at " + RedisConnector.description(settings)
          + " did not answer SCRIPT LOAD within " + SCRIPT_LOAD_TIMEOUT.toMillis() + " ms", e, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      connection.close();
      throw new RedisConnectException("interrupted while loading the script", e, true);
    }
  }

  private static BucketStore bucket4jCas(RedisStoreSettings settings, DecisionTime time) {
    RedisConnection<byte[]> connection =
        RedisConnector.connect(settings, RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
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
