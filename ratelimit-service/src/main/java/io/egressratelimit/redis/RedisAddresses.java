package io.egressratelimit.redis;

import io.egressratelimit.logging.Redaction;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;

/**
 * REDIS_URL, REDIS_AUTH and REDIS_TLS as Lettuce addresses, in envoyproxy/ratelimit's forms as well
 * as Lettuce's own.
 */
final class RedisAddresses {
  private RedisAddresses() {}

  /** {@code host:port} (envoyproxy/ratelimit's form) or a full {@code redis://} / {@code rediss://} URL. */
  static RedisURI of(String url, RedisStoreSettings settings) {
    String full = url.contains("://") ? url : (settings.tls().enabled() ? "rediss://" : "redis://") + url;
    RedisURI uri;
    try {
      uri = RedisURI.create(full);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("REDIS_URL '" + Redaction.redact(url) + "' is not a Redis address: "
          + e.getMessage(), e);
    }
    applyCredentials(uri, settings);
    applyTls(uri, settings);
    return uri;
  }

  /** The sentinels and the master's name, with the credentials and TLS of the master's connections. */
  static RedisURI sentinel(RedisStoreSettings settings) {
    RedisURI uri = sentinelUri(settings.url());
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
      throw new IllegalArgumentException("REDIS_URL '" + Redaction.redact(url) + "' has a port that is not a number: '"
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
}
