package io.egressratelimit.redis;

import java.util.Locale;

/** How the Redis store decides a batch; both honour the same store contract. */
public enum RedisStrategy {
  /**
   * One Lua script decides every request queued behind the call in flight, atomically, at the
   * Redis server's time: one round trip per group of requests. The default.
   */
  ATOMIC_SCRIPT,
  /**
   * bucket4j's compare-and-swap buckets, one per key, with all-or-nothing across keys by
   * consume-then-refund. Kept to compare against: it needs at least two round trips per bucket.
   */
  BUCKET4J_CAS;

  /** Parses {@code script} or {@code bucket4j} (REDIS_STRATEGY), or the constant names, case-insensitively. */
  public static RedisStrategy parse(String text) {
    String name = text.trim().toLowerCase(Locale.ROOT);
    return switch (name) {
      case "script", "atomic_script" -> ATOMIC_SCRIPT;
      case "bucket4j", "bucket4j_cas" -> BUCKET4J_CAS;
      default -> throw new IllegalArgumentException("REDIS_STRATEGY must be script or bucket4j, got '" + text + "'");
    };
  }
}
