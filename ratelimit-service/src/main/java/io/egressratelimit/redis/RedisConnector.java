package io.egressratelimit.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
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
final class RedisConnector {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  private static final int REQUEST_QUEUE_LIMIT = 10_000;

  private RedisConnector() {}

  static <V> RedisConnection<V> connect(RedisStoreSettings settings, RedisCodec<String, V> codec) {
    checkTlsFiles(settings.tls());
    ClientResources resources = ClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS))
        .build();
    try {
      return switch (settings.topology()) {
        case SINGLE -> single(settings, codec, resources, uri(settings.url(), settings));
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
    RedisURI uri = sentinelUri(settings.url());
    applyCredentials(uri, settings);
    applyTls(uri, settings);
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
        seeds.add(uri(seed.trim(), settings));
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

  /** {@code host:port} (envoyproxy/ratelimit's form) or a full {@code redis://} / {@code rediss://} URL. */
  static RedisURI uri(String url, RedisStoreSettings settings) {
    String full = url.contains("://") ? url : (settings.tls().enabled() ? "rediss://" : "redis://") + url;
    RedisURI uri;
    try {
      uri = RedisURI.create(full);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("REDIS_URL '" + RedisUrls.redact(url) + "' is not a Redis address: "
          + e.getMessage(), e);
    }
    applyCredentials(uri, settings);
    applyTls(uri, settings);
    return uri;
  }

  /** Accepts envoyproxy/ratelimit's {@code master,host:port,...} as well as Lettuce's redis-sentinel:// URI. */
  static RedisURI sentinelUri(String url) {
    if (url.startsWith("redis-sentinel://") || url.startsWith("rediss-sentinel://")) {
      return RedisURI.create(url);
    }
    String[] parts = url.split(",");
    if (parts.length < 2 || parts[0].isBlank()) {
      throw new IllegalArgumentException(
          "a Sentinel REDIS_URL is 'master,host:port[,host:port]' or 'redis-sentinel://host:port#master'");
    }
    RedisURI.Builder builder = null;
    for (int i = 1; i < parts.length; i++) {
      String[] hostPort = parts[i].trim().split(":");
      int port = hostPort.length > 1 ? port(hostPort[1], url) : RedisURI.DEFAULT_SENTINEL_PORT;
      builder = builder == null
          ? RedisURI.Builder.sentinel(hostPort[0], port, parts[0].trim())
          : builder.withSentinel(hostPort[0], port);
    }
    return builder.build();
  }

  private static int port(String text, String url) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("REDIS_URL '" + RedisUrls.redact(url) + "' has a port that is not a number: '"
          + text.trim() + "'", e);
    }
  }

  /** REDIS_AUTH is a password, or {@code user:password} for an ACL user, as envoyproxy/ratelimit reads it. */
  private static void applyCredentials(RedisURI uri, RedisStoreSettings settings) {
    settings.password().ifPresent(secret -> {
      int colon = secret.indexOf(':');
      if (colon > 0) {
        uri.setAuthentication(secret.substring(0, colon), secret.substring(colon + 1).toCharArray());
      } else {
        uri.setAuthentication(secret.toCharArray());
      }
    });
  }

  /** REDIS_TLS applies to every connection, sentinels included, as envoyproxy/ratelimit applies it. */
  private static void applyTls(RedisURI uri, RedisStoreSettings settings) {
    if (settings.tls().enabled()) {
      uri.setSsl(true);
    }
    if (uri.isSsl()) {
      uri.setVerifyPeer(SslVerifyMode.FULL); // never weaker, whatever the URL asks
    }
    uri.getSentinels().forEach(sentinel -> applyTls(sentinel, settings));
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

  private static String description(RedisStoreSettings settings) {
    return settings.topology().name().toLowerCase(Locale.ROOT) + " " + RedisUrls.redact(settings.url());
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static <T> T connectOrExplain(Supplier<T> connect, AbstractRedisClient client, RedisStoreSettings settings) {
    try {
      return connect.get();
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw new IllegalStateException(
          "cannot connect to Redis at " + RedisUrls.redact(settings.url()) + ": " + reason(e), e);
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
