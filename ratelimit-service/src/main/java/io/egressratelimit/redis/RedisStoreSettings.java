package io.egressratelimit.redis;

import io.egressratelimit.logging.Redaction;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the Redis store needs to connect and how it behaves.
 *
 * @param url {@code redis://[user:password@]host:port[/db]}, {@code rediss://...} for TLS; for
 *     Sentinel either {@code redis-sentinel://host:port[,host:port]#master} or envoyproxy/ratelimit's
 *     {@code master,host:port[,host:port]}; for Cluster one or more comma-separated seed nodes
 * @param topology single, sentinel or cluster
 * @param password a password given apart from the URL (REDIS_AUTH), {@code user:password} for an
 *     ACL user; it wins over credentials in the URL; never logged
 * @param keyPrefix prepended to every key (CACHE_KEY_PREFIX)
 * @param timeout the longest one request may wait for Redis before the failure policy answers; a
 *     caller's gRPC deadline shortens it (less {@code deadlineMargin}), never lengthens it
 * @param maxInFlight script calls in flight per cluster slot (the atomic script strategy)
 * @param strategy the atomic script (default) or bucket4j's compare-and-swap buckets
 * @param tls TLS towards Redis
 * @param deadlineMargin kept back from a caller's deadline for the answer's way back to it
 * @param legacyClusterKeys on a Cluster, also spend each bucket's domain-tagged key, the one earlier
 *     versions wrote, so that a fleet half upgraded keeps one count (docs/redis.md, "Upgrading")
 */
public record RedisStoreSettings(
    String url,
    RedisTopology topology,
    Optional<String> password,
    String keyPrefix,
    Duration timeout,
    int maxInFlight,
    RedisStrategy strategy,
    RedisTlsSettings tls,
    Duration deadlineMargin,
    boolean legacyClusterKeys) {
  /**
   * The default backend timeout: the whole wait of a caller without a deadline, the cap for the others.
   * Envoy always sends its filter timeout as the deadline, so this is the wait of grpcurl, scripts and
   * custom clients, which would rather have a late decision than an error: a second covers a cold
   * JIT, a GC pause or a Redis fsync, while a Redis that is really gone is caught sooner by the
   * circuit breaker and the connection's own failure.
   */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_DEADLINE_MARGIN = Duration.ofMillis(2);

  public RedisStoreSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(deadlineMargin, "deadlineMargin");
    if (deadlineMargin.isNegative()) {
      throw new IllegalArgumentException("the deadline margin must not be negative, got " + deadlineMargin.toMillis()
          + " ms");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("the Redis timeout must be positive, got " + timeout.toMillis() + " ms");
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("Redis calls in flight must be at least 1, got " + maxInFlight);
    }
    if (legacyClusterKeys && (topology != RedisTopology.CLUSTER || strategy != RedisStrategy.ATOMIC_SCRIPT)) {
      throw new IllegalArgumentException("REDIS_CLUSTER_LEGACY_KEYS applies to REDIS_TYPE=cluster with "
          + "REDIS_STRATEGY=script only: elsewhere bucket keys kept their format");
    }
    if (topology == RedisTopology.CLUSTER && (keyPrefix.contains("{") || keyPrefix.contains("}"))) {
      // Redis hashes a key by its first {...}: one in the prefix would put every bucket in one slot.
      throw new IllegalArgumentException("the key prefix '" + keyPrefix + "' holds a brace, which on a Redis "
          + "Cluster would put every bucket on one master: leave { and } out of it");
    }
  }

  /** The atomic script strategy with TLS only as the URL asks. */
  public RedisStoreSettings(
      String url, RedisTopology topology, Optional<String> password, String keyPrefix, Duration timeout,
      int maxInFlight) {
    this(url, topology, password, keyPrefix, timeout, maxInFlight, RedisStrategy.ATOMIC_SCRIPT,
        RedisTlsSettings.FROM_URL, DEFAULT_DEADLINE_MARGIN, false);
  }

  public static RedisStoreSettings standalone(String url) {
    return of(url, RedisTopology.SINGLE);
  }

  /** Defaults for {@code topology}: prefix {@code ratelimit:}, a 1 s timeout, 2 calls in flight. */
  public static RedisStoreSettings of(String url, RedisTopology topology) {
    return new RedisStoreSettings(url, topology, Optional.empty(), "ratelimit:", DEFAULT_TIMEOUT, 2);
  }

  public RedisStoreSettings withPassword(String secret) {
    return new RedisStoreSettings(url, topology, Optional.of(secret), keyPrefix, timeout, maxInFlight, strategy, tls,
        deadlineMargin, legacyClusterKeys);
  }

  public RedisStoreSettings withKeyPrefix(String prefix) {
    return new RedisStoreSettings(url, topology, password, prefix, timeout, maxInFlight, strategy, tls,
        deadlineMargin, legacyClusterKeys);
  }

  public RedisStoreSettings withTimeout(Duration limit) {
    return new RedisStoreSettings(url, topology, password, keyPrefix, limit, maxInFlight, strategy, tls,
        deadlineMargin, legacyClusterKeys);
  }

  public RedisStoreSettings withMaxInFlight(int calls) {
    return new RedisStoreSettings(url, topology, password, keyPrefix, timeout, calls, strategy, tls, deadlineMargin,
        legacyClusterKeys);
  }

  public RedisStoreSettings withStrategy(RedisStrategy chosen) {
    return new RedisStoreSettings(url, topology, password, keyPrefix, timeout, maxInFlight, chosen, tls,
        deadlineMargin, legacyClusterKeys);
  }

  public RedisStoreSettings withTls(RedisTlsSettings tlsSettings) {
    return new RedisStoreSettings(url, topology, password, keyPrefix, timeout, maxInFlight, strategy, tlsSettings,
        deadlineMargin, legacyClusterKeys);
  }

  public RedisStoreSettings withUrl(String address) {
    return new RedisStoreSettings(address, topology, password, keyPrefix, timeout, maxInFlight, strategy, tls,
        deadlineMargin, legacyClusterKeys);
  }

  public RedisStoreSettings withDeadlineMargin(Duration margin) {
    return new RedisStoreSettings(url, topology, password, keyPrefix, timeout, maxInFlight, strategy, tls, margin,
        legacyClusterKeys);
  }

  public RedisStoreSettings withLegacyClusterKeys(boolean spendThem) {
    return new RedisStoreSettings(url, topology, password, keyPrefix, timeout, maxInFlight, strategy, tls,
        deadlineMargin,
        spendThem);
  }

  @Override
  public String toString() {
    return "RedisStoreSettings[url=" + Redaction.redact(url) + ", topology=" + topology + ", password="
        + (password.isPresent() ? "<redacted>" : "<none>") + ", keyPrefix=" + keyPrefix + ", timeout=" + timeout
        + ", maxInFlight=" + maxInFlight + ", strategy=" + strategy + ", tls=" + tls
        + ", deadlineMargin=" + deadlineMargin + ", legacyClusterKeys=" + legacyClusterKeys + "]";
  }
}
