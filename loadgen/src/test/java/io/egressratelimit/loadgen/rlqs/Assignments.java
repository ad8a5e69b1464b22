package io.egressratelimit.loadgen.rlqs;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction.QuotaAssignmentAction;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy;
import io.envoyproxy.envoy.type.v3.TokenBucket;

/** Server answers as the tests need them. */
final class Assignments {
  static final BucketId GEOCODE = BucketIdSpec.parse("generic_key=geocode");

  private Assignments() {}

  static TokenBucket tokenBucket(int maxTokens, int tokensPerFill, long fillSeconds, int fillNanos) {
    return TokenBucket.newBuilder()
        .setMaxTokens(maxTokens)
        .setTokensPerFill(UInt32Value.of(tokensPerFill))
        .setFillInterval(Duration.newBuilder().setSeconds(fillSeconds).setNanos(fillNanos))
        .build();
  }

  static QuotaAssignmentAction assignment(TokenBucket bucket, long ttlSeconds, int ttlNanos) {
    return QuotaAssignmentAction.newBuilder()
        .setRateLimitStrategy(RateLimitStrategy.newBuilder().setTokenBucket(bucket))
        .setAssignmentTimeToLive(Duration.newBuilder().setSeconds(ttlSeconds).setNanos(ttlNanos))
        .build();
  }

  static RateLimitQuotaResponse response(BucketId id, QuotaAssignmentAction action) {
    return RateLimitQuotaResponse.newBuilder()
        .addBucketAction(BucketAction.newBuilder().setBucketId(id).setQuotaAssignmentAction(action))
        .build();
  }

  static RateLimitQuotaResponse abandon(BucketId id) {
    return RateLimitQuotaResponse.newBuilder()
        .addBucketAction(BucketAction.newBuilder().setBucketId(id).setAbandonAction(BucketAction.AbandonAction.getDefaultInstance()))
        .build();
  }

  static RateLimitStrategy blanket(RateLimitStrategy.BlanketRule rule) {
    return RateLimitStrategy.newBuilder().setBlanketRule(rule).build();
  }
}
