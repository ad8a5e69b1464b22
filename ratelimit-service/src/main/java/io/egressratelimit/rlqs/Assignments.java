package io.egressratelimit.rlqs;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.egressratelimit.rlqs.ledger.Share;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction.AbandonAction;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction.QuotaAssignmentAction;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy;
import io.envoyproxy.envoy.type.v3.TokenBucket;

/** Shares as Envoy's {@code BucketAction}s. */
final class Assignments {
  private Assignments() {}

  /**
   * A token bucket of the share over the rule's period, or DENY_ALL for no share. The fill interval is
   * the period in whole seconds: Envoy divides by the interval's whole seconds.
   */
  static BucketAction assignment(BucketId bucket, Share share, long periodSeconds, long ttlSeconds) {
    RateLimitStrategy strategy = share.none()
        ? RateLimitStrategy.newBuilder().setBlanketRule(RateLimitStrategy.BlanketRule.DENY_ALL).build()
        : RateLimitStrategy.newBuilder().setTokenBucket(TokenBucket.newBuilder()
            .setMaxTokens((int) Math.min(share.maxTokens(), 0xFFFF_FFFFL))
            .setTokensPerFill(UInt32Value.of((int) Math.min(share.tokensPerPeriod(), 0xFFFF_FFFFL)))
            .setFillInterval(Duration.newBuilder().setSeconds(periodSeconds))).build();
    return BucketAction.newBuilder().setBucketId(bucket)
        .setQuotaAssignmentAction(QuotaAssignmentAction.newBuilder()
            .setAssignmentTimeToLive(Duration.newBuilder().setSeconds(ttlSeconds))
            .setRateLimitStrategy(strategy))
        .build();
  }

  static BucketAction abandon(BucketId bucket) {
    return BucketAction.newBuilder().setBucketId(bucket).setAbandonAction(AbandonAction.getDefaultInstance()).build();
  }
}
