package io.egressratelimit.loadgen.rlqs;

import io.egressratelimit.testing.rlqs.EnvoyTokenBucket;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction.QuotaAssignmentAction;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Every share the server assigned to each simulated Envoy over a run, as a fill rate: the record
 * that says how long rebalancing took when demand moved.
 */
public final class ShareLog {
  private record Share(int envoy, long atNanos, double tokensPerSecond) {}

  private final List<Share> shares = new ArrayList<>();

  /** The rate an assignment lets through: its token bucket's fill rate as Envoy computes it. */
  public static double rateOf(QuotaAssignmentAction action) {
    RateLimitStrategy strategy = action.getRateLimitStrategy();
    return switch (strategy.getStrategyCase()) {
      case TOKEN_BUCKET -> EnvoyTokenBucket.fillRate(strategy.getTokenBucket());
      case BLANKET_RULE -> strategy.getBlanketRule() == RateLimitStrategy.BlanketRule.DENY_ALL ? 0 : Double.POSITIVE_INFINITY;
      default -> Double.POSITIVE_INFINITY;
    };
  }

  public synchronized void record(int envoy, long atNanos, double tokensPerSecond) {
    shares.add(new Share(envoy, atNanos, tokensPerSecond));
  }

  /** The last rate assigned to the Envoy at or before the given time. */
  public synchronized OptionalDouble rateAt(int envoy, long atNanos) {
    OptionalDouble rate = OptionalDouble.empty();
    for (Share share : shares) {
      if (share.envoy == envoy && share.atNanos <= atNanos) {
        rate = OptionalDouble.of(share.tokensPerSecond);
      }
    }
    return rate;
  }

  /**
   * When the Envoy that took over the demand was first assigned at least {@code fraction} of a rate.
   *
   * @return nanos after {@code sinceNanos}, or empty when it never was
   */
  public synchronized OptionalLong reached(int envoy, double rate, double fraction, long sinceNanos) {
    for (Share share : shares) {
      if (share.envoy == envoy && share.atNanos >= sinceNanos && share.tokensPerSecond >= rate * fraction) {
        return OptionalLong.of(share.atNanos - sinceNanos);
      }
    }
    // the share may have been there before the demand moved
    OptionalDouble before = rateAt(envoy, sinceNanos);
    if (before.isPresent() && before.getAsDouble() >= rate * fraction) {
      return OptionalLong.of(0);
    }
    return OptionalLong.empty();
  }
}
