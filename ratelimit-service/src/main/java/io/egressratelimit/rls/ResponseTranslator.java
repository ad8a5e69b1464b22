package io.egressratelimit.rls;

import io.egressratelimit.domain.Code;
import io.egressratelimit.domain.Decision;
import io.egressratelimit.domain.DescriptorStatus;
import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.RateUnit;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.time.Duration;
import java.util.Optional;

/** The engine's decision → Envoy's RateLimitResponse. */
final class ResponseTranslator {
  private static final long UINT32_MAX = 0xFFFF_FFFFL;

  private ResponseTranslator() {}

  static RateLimitResponse toProto(Decision decision) {
    return toProto(decision, Optional.empty());
  }

  static RateLimitResponse toProto(Decision decision, Optional<RateLimitHeaders> headers) {
    return toProto(RateLimitRequest.getDefaultInstance(), decision, headers, false);
  }

  /**
   * @param request the request as Envoy sent it, for the dynamic metadata
   * @param responseDynamicMetadata RESPONSE_DYNAMIC_METADATA: add {@link DynamicMetadata} to the answer
   */
  static RateLimitResponse toProto(RateLimitRequest request, Decision decision, Optional<RateLimitHeaders> headers,
      boolean responseDynamicMetadata) {
    RateLimitResponse.Builder response = RateLimitResponse.newBuilder().setOverallCode(codeOf(decision.overallCode()));
    for (DescriptorStatus status : decision.statuses()) {
      response.addStatuses(statusOf(status));
    }
    if (responseDynamicMetadata) {
      response.setDynamicMetadata(DynamicMetadata.of(request, decision));
    }
    headers.ifPresent(names -> closestToItsLimit(decision).ifPresent(status -> addHeaders(response, names, status)));
    return response.build();
  }

  /**
   * As envoyproxy/ratelimit picks it: the descriptor over its limit, else the limited one with the
   * fewest requests remaining. The headers describe that one limit.
   */
  static Optional<DescriptorStatus> closestToItsLimit(Decision decision) {
    DescriptorStatus closest = null;
    for (DescriptorStatus status : decision.statuses()) {
      if (status.currentLimit().isPresent() && (closest == null || headroom(status) < headroom(closest))) {
        closest = status;
      }
    }
    return Optional.ofNullable(closest);
  }

  private static long headroom(DescriptorStatus status) {
    return status.code() == Code.OVER_LIMIT ? -1 : status.limitRemaining();
  }

  /**
   * The limit is the rule's own N per period (for a calendar unit, what Envoy's current_limit
   * says too); reset is whole seconds, rounded up, until the answer changes: for OVER_LIMIT until
   * a request would be admitted, otherwise until the bucket is full again.
   */
  private static void addHeaders(RateLimitResponse.Builder response, RateLimitHeaders names, DescriptorStatus status) {
    long limit = status.currentLimit().orElseThrow().requestsPerPeriod();
    // A post-paid budget in debt holds fewer than zero tokens; a header says none are left.
    long remaining = status.code() == Code.OVER_LIMIT ? 0 : Math.max(0, status.limitRemaining());
    Duration reset = status.durationUntilReset();
    long resetSeconds = reset.getSeconds() + (reset.getNano() > 0 ? 1 : 0);
    response.addResponseHeadersToAdd(header(names.limit(), limit))
        .addResponseHeadersToAdd(header(names.remaining(), remaining))
        .addResponseHeadersToAdd(header(names.reset(), resetSeconds));
  }

  private static HeaderValue header(String name, long value) {
    return HeaderValue.newBuilder().setKey(name).setValue(Long.toString(value)).build();
  }

  private static RateLimitResponse.DescriptorStatus statusOf(DescriptorStatus status) {
    RateLimitResponse.DescriptorStatus.Builder proto = RateLimitResponse.DescriptorStatus.newBuilder()
        .setCode(codeOf(status.code()))
        .setLimitRemaining(uint32(status.limitRemaining()))
        .setDurationUntilReset(durationOf(status.durationUntilReset()));
    status.currentLimit().ifPresent(policy -> proto.setCurrentLimit(limitOf(policy, status)));
    return proto.build();
  }

  /**
   * Envoy's RateLimit has only calendar units. A period that is not one is expressed as the same
   * rate over the smallest unit it divides evenly (10 per 30s → 20 per MINUTE); when none does, the
   * unit is UNKNOWN with N per period. The rule's own description is always in {@code name}.
   */
  static RateLimitResponse.RateLimit limitOf(LimitPolicy policy, DescriptorStatus status) {
    RateLimitResponse.RateLimit.Builder limit = RateLimitResponse.RateLimit.newBuilder()
        .setName(status.rule().flatMap(r -> r.name()).orElseGet(policy::describe));
    if (policy.unit().isPresent()) {
      return limit.setRequestsPerUnit(uint32(policy.requestsPerPeriod())).setUnit(unitOf(policy.unit().get())).build();
    }
    long periodSeconds = policy.period().toSeconds();
    for (RateUnit unit : RateUnit.values()) {
      long unitSeconds = unit.length().toSeconds();
      if (unitSeconds >= periodSeconds && unitSeconds % periodSeconds == 0) {
        long scaled = policy.requestsPerPeriod() * (unitSeconds / periodSeconds);
        return limit.setRequestsPerUnit(uint32(scaled)).setUnit(unitOf(unit)).build();
      }
    }
    return limit.setRequestsPerUnit(uint32(policy.requestsPerPeriod()))
        .setUnit(RateLimitResponse.RateLimit.Unit.UNKNOWN).build();
  }

  private static RateLimitResponse.Code codeOf(Code code) {
    return code == Code.OK ? RateLimitResponse.Code.OK : RateLimitResponse.Code.OVER_LIMIT;
  }

  private static RateLimitResponse.RateLimit.Unit unitOf(RateUnit unit) {
    return RateLimitResponse.RateLimit.Unit.valueOf(unit.name());
  }

  private static com.google.protobuf.Duration durationOf(Duration duration) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }

  private static int uint32(long value) {
    return (int) Math.min(Math.max(0, value), UINT32_MAX);
  }
}
