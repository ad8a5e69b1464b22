package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.BucketStore;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The product's Redis store: connects in the configured topology, loads the token-bucket script and
 * builds the store that decides every batch with it (the compare-and-swap strategy kept for
 * comparison is built in {@code redis.cas}).
 */
public final class ScriptStores {
  private static final Duration SCRIPT_LOAD_TIMEOUT = Duration.ofSeconds(2);

  private ScriptStores() {}

  /** The production store: decisions at the Redis server's time. */
  public static BucketStore connect(RedisStoreSettings settings) {
    return connect(settings, DecisionTime.redisServer());
  }

  /** The production store, with the RLQS ledgers on its connection. */
  public static BucketStore connect(RedisStoreSettings settings, RedisLedgerStore ledgers) {
    return connect(settings, DecisionTime.redisServer(), ledgers::runOn);
  }

  /** A store deciding at the given time; tests move time by hand with {@link DecisionTime#client}. */
  public static BucketStore connect(RedisStoreSettings settings, DecisionTime time) {
    return connect(settings, time, connection -> {});
  }

  private static BucketStore connect(RedisStoreSettings settings, DecisionTime time,
      java.util.function.Consumer<RedisConnection<String>> alsoOn) {
    if (settings.strategy() != RedisStrategy.ATOMIC_SCRIPT) {
      throw new IllegalArgumentException("the " + settings.strategy() + " strategy is not the script's");
    }
    RedisConnection<String> connection = RedisConnector.connect(settings, StringCodec.UTF8);
    loadScript(connection, settings);
    alsoOn.accept(connection);
    return new LuaBucketStore(new LettuceScriptRunner(connection), KeyLayout.of(settings), time.clientClock(),
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
}
