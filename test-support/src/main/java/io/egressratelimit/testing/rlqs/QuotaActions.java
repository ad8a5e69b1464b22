package io.egressratelimit.testing.rlqs;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction.QuotaAssignmentAction;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy.BlanketRule;
import io.envoyproxy.envoy.type.v3.TokenBucket;

/** A server's answers, built the short way, for tests that play the server's part. */
public final class QuotaActions {
  /** {@code BucketId {generic_key: geocode}}, the shipped configs' one bucket. */
  public static final BucketId GEOCODE = BucketId.newBuilder().putBucket("generic_key", "geocode").build();

  private QuotaActions() {}

  public static TokenBucket tokenBucket(int maxTokens, int tokensPerFill, long fillSeconds, int fillNanos) {
    return TokenBucket.newBuilder()
        .setMaxTokens(maxTokens)
        .setTokensPerFill(UInt32Value.of(tokensPerFill))
        .setFillInterval(Duration.newBuilder().setSeconds(fillSeconds).setNanos(fillNanos))
        .build();
  }

  public static QuotaAssignmentAction assignment(TokenBucket bucket, long ttlSeconds, int ttlNanos) {
    return assignment(RateLimitStrategy.newBuilder().setTokenBucket(bucket).build(), ttlSeconds, ttlNanos);
  }

  public static QuotaAssignmentAction assignment(RateLimitStrategy strategy, long ttlSeconds, int ttlNanos) {
    return QuotaAssignmentAction.newBuilder()
        .setRateLimitStrategy(strategy)
        .setAssignmentTimeToLive(Duration.newBuilder().setSeconds(ttlSeconds).setNanos(ttlNanos))
        .build();
  }

  /** {@code requests_per_time_unit}, which Envoy 1.40 does not enforce. */
  public static RateLimitStrategy requestsPerMinute(long requests) {
    return RateLimitStrategy.newBuilder().setRequestsPerTimeUnit(RateLimitStrategy.RequestsPerTimeUnit.newBuilder()
        .setRequestsPerTimeUnit(requests).setTimeUnit(io.envoyproxy.envoy.type.v3.RateLimitUnit.MINUTE)).build();
  }

  public static RateLimitQuotaResponse response(BucketId id, QuotaAssignmentAction action) {
    return RateLimitQuotaResponse.newBuilder()
        .addBucketAction(BucketAction.newBuilder().setBucketId(id).setQuotaAssignmentAction(action))
        .build();
  }

  public static RateLimitQuotaResponse abandon(BucketId id) {
    return RateLimitQuotaResponse.newBuilder()
        .addBucketAction(BucketAction.newBuilder().setBucketId(id).setAbandonAction(BucketAction.AbandonAction.getDefaultInstance()))
        .build();
  }

  public static RateLimitStrategy blanket(BlanketRule rule) {
    return RateLimitStrategy.newBuilder().setBlanketRule(rule).build();
  }
}
