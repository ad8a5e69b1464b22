package io.egressratelimit.redis;

import java.util.Locale;

/** How Redis is deployed; the names are envoyproxy/ratelimit's {@code REDIS_TYPE} values. */
public enum RedisTopology {
  SINGLE,
  SENTINEL,
  CLUSTER;

  /** Parses {@code single}, {@code sentinel} or {@code cluster}, case-insensitively. */
  public static RedisTopology parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("REDIS_TYPE must be single, sentinel or cluster, got '" + text + "'", e);
    }
  }
}
