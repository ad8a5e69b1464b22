package io.egressratelimit.loadgen.rlqs;

import io.envoyproxy.envoy.type.v3.TokenBucket;

/**
 * The token bucket Envoy's filter enforces an assignment with ({@code AtomicTokenBucketImpl}): it
 * starts full, refills continuously and gives one whole token per request, never part of one.
 *
 * <p>Envoy computes the fill rate as {@code tokens_per_fill} over the fill interval truncated to
 * whole seconds. An interval under one second truncates to zero, and Envoy's division makes the rate
 * infinite: such a bucket is always full. We reproduce that rather than the rate the server meant.
 */
final class LocalTokenBucket {
  private static final double NANOS_PER_SECOND = 1e9;

  private final double maxTokens;
  private final double tokensPerSecond;
  private double tokens;
  private long lastNanos;

  private LocalTokenBucket(double maxTokens, double tokensPerSecond, long nowNanos) {
    this.maxTokens = maxTokens;
    this.tokensPerSecond = tokensPerSecond;
    this.tokens = maxTokens;
    this.lastNanos = nowNanos;
  }

  static LocalTokenBucket full(TokenBucket spec, long nowNanos) {
    return new LocalTokenBucket(spec.getMaxTokens(), fillRate(spec), nowNanos);
  }

  /** Tokens per second as Envoy computes them; infinite for a sub-second fill interval. */
  static double fillRate(TokenBucket spec) {
    long wholeSeconds = spec.getFillInterval().getSeconds();
    return wholeSeconds == 0 ? Double.POSITIVE_INFINITY : (double) spec.getTokensPerFill().getValue() / wholeSeconds;
  }

  boolean tryConsume(long nowNanos) {
    refill(nowNanos);
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  double available(long nowNanos) {
    refill(nowNanos);
    return tokens;
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      tokens = Double.isInfinite(tokensPerSecond) ? maxTokens
          : Math.min(maxTokens, tokens + elapsed / NANOS_PER_SECOND * tokensPerSecond);
      lastNanos = nowNanos;
    }
  }
}
