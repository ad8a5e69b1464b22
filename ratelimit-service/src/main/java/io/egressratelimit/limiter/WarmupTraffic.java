package io.egressratelimit.limiter;

import io.egressratelimit.config.ReservedDomains;
import io.egressratelimit.domain.Decision;
import io.egressratelimit.domain.LimitRequest;

/**
 * The reserved domain of the calls a replica sends itself before it reports SERVING. Its buckets
 * are its own (in Redis under bucket keys that start with this domain, one-second windows that
 * expire within seconds), so the warm-up never touches a real budget; its decisions are kept
 * out of the metrics operators read.
 */
public final class WarmupTraffic {
  public static final String DOMAIN = ReservedDomains.WARMUP;
  /** The gRPC metadata key the warm-up's calls carry, so per-call stats can leave them out too. */
  public static final String HEADER = "x-ratelimit-warmup";

  private WarmupTraffic() {}

  public static boolean isWarmup(String domain) {
    return DOMAIN.equals(domain);
  }

  /** The listener, deaf to warm-up decisions. */
  public static DecisionListener excludedFrom(DecisionListener listener) {
    return new DecisionListener() {
      @Override
      public void onDecision(LimitRequest request, Decision decision, long elapsedNanos) {
        if (!isWarmup(request.domain())) {
          listener.onDecision(request, decision, elapsedNanos);
        }
      }

      @Override
      public void onStoreFailure(LimitRequest request, Throwable cause) {
        if (!isWarmup(request.domain())) {
          listener.onStoreFailure(request, cause);
        }
      }
    };
  }
}
