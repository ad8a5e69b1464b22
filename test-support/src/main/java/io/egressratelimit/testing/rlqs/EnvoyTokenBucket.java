package io.egressratelimit.testing.rlqs;

import io.envoyproxy.envoy.type.v3.TokenBucket;

/**
 * The token bucket Envoy's filter enforces an assignment with ({@code AtomicTokenBucketImpl}): it
 * refills continuously and gives one whole token per request, never part of one.
 *
 * <p>How full a new bucket starts, as Envoy 1.40 does it (measured, see docs/rlqs.md): full when the
 * bucket had no token bucket before (its first assignment, after a blanket rule, after expiry), and
 * otherwise in proportion to the one it replaces, {@code max_tokens × tokens left / old max_tokens}
 * (envoyproxy/envoy#37624). A replacement therefore never starts fuller than full.
 *
 * <p>Envoy computes the fill rate as {@code tokens_per_fill} over the fill interval truncated to
 * whole seconds. An interval under one second truncates to zero, and Envoy's division makes the rate
 * infinite: such a bucket is always full. We reproduce that rather than the rate the server meant.
 */
public final class EnvoyTokenBucket {
  private static final double NANOS_PER_SECOND = 1e9;

  private final double maxTokens;
  private final double tokensPerSecond;
  private double tokens;
  private long lastNanos;

  private EnvoyTokenBucket(double maxTokens, double tokensPerSecond, double tokens, long nowNanos) {
    this.maxTokens = maxTokens;
    this.tokensPerSecond = tokensPerSecond;
    this.tokens = tokens;
    this.lastNanos = nowNanos;
  }

  /** A bucket built where none was before: it starts with {@code max_tokens}. */
  public static EnvoyTokenBucket full(TokenBucket spec, long nowNanos) {
    return new EnvoyTokenBucket(spec.getMaxTokens(), fillRate(spec), spec.getMaxTokens(), nowNanos);
  }

  /** A bucket that replaces {@code previous}: it starts as full, in proportion, as the one it replaces is now. */
  public static EnvoyTokenBucket replacing(EnvoyTokenBucket previous, TokenBucket spec, long nowNanos) {
    double ratio = previous.maxTokens == 0 ? 1 : previous.available(nowNanos) / previous.maxTokens;
    return new EnvoyTokenBucket(spec.getMaxTokens(), fillRate(spec), spec.getMaxTokens() * ratio, nowNanos);
  }

  /** Tokens per second as Envoy computes them; infinite for a sub-second fill interval. */
  public static double fillRate(TokenBucket spec) {
    long wholeSeconds = spec.getFillInterval().getSeconds();
    return wholeSeconds == 0 ? Double.POSITIVE_INFINITY : (double) spec.getTokensPerFill().getValue() / wholeSeconds;
  }

  public boolean tryConsume(long nowNanos) {
    refill(nowNanos);
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  public double available(long nowNanos) {
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
