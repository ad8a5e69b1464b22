package io.egressratelimit.redis;

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
 * @param password a password given apart from the URL (REDIS_AUTH); never logged
 * @param keyPrefix prepended to every key (CACHE_KEY_PREFIX)
 * @param timeout the longest one round trip may take before a request fails as unavailable
 * @param maxInFlight script calls in flight per cluster slot
 */
public record RedisStoreSettings(
    String url, RedisTopology topology, Optional<String> password, String keyPrefix, Duration timeout, int maxInFlight) {

  public RedisStoreSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    Objects.requireNonNull(timeout, "timeout");
  }

  public static RedisStoreSettings standalone(String url) {
    return new RedisStoreSettings(url, RedisTopology.SINGLE, Optional.empty(), "ratelimit:", Duration.ofMillis(10), 2);
  }

  @Override
  public String toString() {
    return "RedisStoreSettings[url=" + RedisUrls.redact(url) + ", topology=" + topology + ", password="
        + (password.isPresent() ? "<redacted>" : "<none>") + ", keyPrefix=" + keyPrefix + ", timeout=" + timeout
        + ", maxInFlight=" + maxInFlight + "]";
  }
}
