package io.egressratelimit.rls;

import java.util.Objects;

/**
 * The names of the response headers that tell a client its budget, added to every answer through
 * {@code response_headers_to_add} when enabled. envoyproxy/ratelimit's defaults follow the IETF
 * RateLimit header fields draft.
 */
public record RateLimitHeaders(String limit, String remaining, String reset) {
  public static final RateLimitHeaders DEFAULT =
      new RateLimitHeaders("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");

  public RateLimitHeaders {
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(remaining, "remaining");
    Objects.requireNonNull(reset, "reset");
  }
}
