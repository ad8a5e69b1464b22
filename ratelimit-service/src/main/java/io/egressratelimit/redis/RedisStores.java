package io.egressratelimit.redis;

import io.egressratelimit.limiter.BucketStore;
import io.egressratelimit.limiter.NanoClock;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Connects to Redis in the configured topology and builds the bucket store on top. */
public final class RedisStores {
  private RedisStores() {}

  /** The production store: decisions at the Redis server's time. */
  public static BucketStore connect(RedisStoreSettings settings) {
    return connect(settings, Optional.empty());
  }

  /** A store deciding at {@code clientClock}'s time instead of the server's; tests use it to move time. */
  public static BucketStore connect(RedisStoreSettings settings, Optional<NanoClock> clientClock) {
    ScriptRunner runner = switch (settings.topology()) {
      case SINGLE, SENTINEL -> standalone(settings);
      case CLUSTER -> cluster(settings);
    };
    return new LuaBucketStore(runner, settings.keyPrefix(), clientClock, settings.timeout(), settings.maxInFlight());
  }

  private static ScriptRunner standalone(RedisStoreSettings settings) {
    RedisURI uri = settings.topology() == RedisTopology.SENTINEL ? sentinelUri(settings.url()) : RedisURI.create(settings.url());
    settings.password().ifPresent(p -> uri.setAuthentication(p.toCharArray()));
    RedisClient client = RedisClient.create(uri);
    client.setOptions(ClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
        .build());
    StatefulRedisConnection<String, String> connection = connectOrExplain(() -> client.connect(StringCodec.UTF8), client, settings);
    String description = settings.topology().name().toLowerCase() + " " + RedisUrls.redact(settings.url());
    return new LettuceScriptRunner(connection.async(), false, description, () -> {
      connection.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    });
  }

  private static ScriptRunner cluster(RedisStoreSettings settings) {
    List<RedisURI> seeds = new ArrayList<>();
    for (String seed : settings.url().split(",")) {
      String trimmed = seed.trim();
      RedisURI uri = RedisURI.create(trimmed.contains("://") ? trimmed : "redis://" + trimmed);
      settings.password().ifPresent(p -> uri.setAuthentication(p.toCharArray()));
      seeds.add(uri);
    }
    RedisClusterClient client = RedisClusterClient.create(seeds);
    client.setOptions(ClusterClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enableAllAdaptiveRefreshTriggers()
            .enablePeriodicRefresh(Duration.ofSeconds(30))
            .build())
        .build());
    StatefulRedisClusterConnection<String, String> connection =
        connectOrExplain(() -> client.connect(StringCodec.UTF8), client::shutdown, settings);
    String description = "cluster " + RedisUrls.redact(settings.url());
    return new LettuceScriptRunner(connection.async(), true, description, () -> {
      connection.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    });
  }

  /** Accepts envoyproxy/ratelimit's {@code master,host:port,...} as well as Lettuce's redis-sentinel:// URI. */
  static RedisURI sentinelUri(String url) {
    if (url.startsWith("redis-sentinel://") || url.startsWith("rediss-sentinel://")) {
      return RedisURI.create(url);
    }
    String[] parts = url.split(",");
    if (parts.length < 2) {
      throw new IllegalArgumentException(
          "a Sentinel REDIS_URL is 'master,host:port[,host:port]' or 'redis-sentinel://host:port#master'");
    }
    RedisURI.Builder builder = null;
    for (int i = 1; i < parts.length; i++) {
      String[] hostPort = parts[i].trim().split(":");
      int port = hostPort.length > 1 ? Integer.parseInt(hostPort[1]) : 26379;
      builder = builder == null
          ? RedisURI.Builder.sentinel(hostPort[0], port, parts[0].trim())
          : builder.withSentinel(hostPort[0], port);
    }
    return builder.build();
  }

  private static <T> T connectOrExplain(
      java.util.function.Supplier<T> connect, AutoCloseable client, RedisStoreSettings settings) {
    try {
      return connect.get();
    } catch (RuntimeException e) {
      try {
        client.close();
      } catch (Exception ignored) {
        // the connection error below is the one worth reporting
      }
      throw new IllegalStateException("cannot connect to Redis at " + RedisUrls.redact(settings.url()) + ": "
          + e.getMessage(), e);
    }
  }
}
