package io.egressratelimit.redis;

import io.egressratelimit.logging.Redaction;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Opens a Lettuce connection in the configured topology, with credentials and TLS applied to every
 * node, and options that keep a failing Redis from costing waiting time: commands are refused at
 * once while disconnected, and reconnection retries quickly (a restarted Redis is back in service
 * within half a second of accepting connections).
 */
public final class RedisConnector {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final int REQUEST_QUEUE_LIMIT = 10_000;

  private RedisConnector() {}

  public static <V> RedisConnection<V> connect(RedisStoreSettings settings, RedisCodec<String, V> codec) {
    checkTlsFiles(settings.tls());
    ClientResources resources = ClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS))
        .build();
    try {
      return switch (settings.topology()) {
        case SINGLE -> single(settings, codec, resources, RedisAddresses.of(settings.url(), settings));
        case SENTINEL -> sentinel(settings, codec, resources);
        case CLUSTER -> cluster(settings, codec, resources);
      };
    } catch (RuntimeException e) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static <V> RedisConnection<V> single(
      RedisStoreSettings settings, RedisCodec<String, V> codec, ClientResources resources, RedisURI uri) {
    RedisClient client = RedisClient.create(resources);
    client.setOptions(options(ClientOptions.builder(), settings).build());
    StatefulRedisConnection<String, V> connection = connectOrExplain(() -> client.connect(codec, uri), client, settings);
    return RedisConnection.single(connection, client, resources, description(settings));
  }

  /** A master/replica connection that listens to the sentinels, so it moves to a promoted replica by itself. */
  private static <V> RedisConnection<V> sentinel(
      RedisStoreSettings settings, RedisCodec<String, V> codec, ClientResources resources) {
    RedisURI uri = RedisAddresses.sentinel(settings);
    RedisClient client = RedisClient.create(resources);
    client.setOptions(options(ClientOptions.builder(), settings).build());
    StatefulRedisConnection<String, V> connection =
        connectOrExplain(() -> MasterReplica.connect(client, codec, uri), client, settings);
    return RedisConnection.single(connection, client, resources, description(settings));
  }

  private static <V> RedisConnection<V> cluster(
      RedisStoreSettings settings, RedisCodec<String, V> codec, ClientResources resources) {
    List<RedisURI> seeds = new ArrayList<>();
    for (String seed : settings.url().split(",")) {
      if (!seed.isBlank()) {
        seeds.add(RedisAddresses.of(seed.trim(), settings));
      }
    }
    RedisClusterClient client = RedisClusterClient.create(resources, seeds);
    client.setOptions(options(ClusterClientOptions.builder(), settings)
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enableAllAdaptiveRefreshTriggers()
            .enablePeriodicRefresh(Duration.ofSeconds(30))
            .build())
        .build());
    StatefulRedisClusterConnection<String, V> connection = connectOrExplain(() -> {
      StatefulRedisClusterConnection<String, V> connected = client.connect(codec);
      connectToEveryMaster(connected);
      return connected;
    }, client, settings);
    return RedisConnection.cluster(connection, client, resources, description(settings));
  }

  /**
   * Lettuce opens a node's connection on first use, and one still opening refuses commands like a
   * lost one; opened now, the first requests to each master are not refused for nothing.
   */
  private static void connectToEveryMaster(StatefulRedisClusterConnection<String, ?> connection) {
    for (RedisClusterNode node : connection.getPartitions()) {
      if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
        connection.getConnection(node.getUri().getHost(), node.getUri().getPort());
      }
    }
  }

  private static <B extends ClientOptions.Builder> B options(B builder, RedisStoreSettings settings) {
    builder.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(REQUEST_QUEUE_LIMIT)
        .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
        // The store gives up on a request after settings.timeout(); this only keeps commands a hung
        // Redis never answers from piling up in the client.
        .timeoutOptions(TimeoutOptions.enabled(max(settings.timeout(), Duration.ofSeconds(1))));
    if (usesTls(settings)) {
      builder.sslOptions(sslOptions(settings.tls()));
    }
    return builder;
  }

  private static boolean usesTls(RedisStoreSettings settings) {
    String scheme = settings.url().toLowerCase(Locale.ROOT);
    return settings.tls().enabled() || scheme.startsWith("rediss://") || scheme.startsWith("rediss-sentinel://")
        || settings.tls().caCert().isPresent() || settings.tls().clientCert().isPresent();
  }

  private static SslOptions sslOptions(RedisTlsSettings tls) {
    SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
    tls.caCert().ifPresent(ca -> ssl.trustManager(ca.toFile()));
    if (tls.clientCert().isPresent()) {
      ssl.keyManager(tls.clientCert().get().toFile(), tls.clientKey().orElseThrow().toFile(), null);
    }
    return ssl.build();
  }

  private static void checkTlsFiles(RedisTlsSettings tls) {
    checkReadable("CA certificate (REDIS_TLS_CACERT)", tls.caCert().orElse(null));
    checkReadable("client certificate (REDIS_TLS_CLIENT_CERT)", tls.clientCert().orElse(null));
    checkReadable("client key (REDIS_TLS_CLIENT_KEY)", tls.clientKey().orElse(null));
  }

  private static void checkReadable(String what, Path file) {
    if (file != null && !(Files.isRegularFile(file) && Files.isReadable(file))) {
      throw new IllegalArgumentException("the Redis TLS " + what + " " + file + " is not a readable file");
    }
  }

  static String description(RedisStoreSettings settings) {
    return settings.topology().name().toLowerCase(Locale.ROOT) + " " + Redaction.redact(settings.url());
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static <T> T connectOrExplain(Supplier<T> connect, AbstractRedisClient client, RedisStoreSettings settings) {
    try {
      return connect.get();
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw new RedisConnectException("cannot connect to Redis at " + Redaction.redact(settings.url()) + ": "
          + reason(e), e, !RedisConnectException.refusedByConfiguration(e));
    }
  }

  /** The outermost message and the innermost one, which usually names the real cause (refused, PKIX, NOAUTH). */
  private static String reason(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String outer = String.valueOf(failure.getMessage());
    return root == failure || root.getMessage() == null || outer.contains(root.getMessage())
        ? outer : outer + " (" + root.getMessage() + ")";
  }
}
