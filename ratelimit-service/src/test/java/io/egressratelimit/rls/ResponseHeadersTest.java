package io.egressratelimit.rls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.domain.Algorithm;
import io.egressratelimit.domain.Code;
import io.egressratelimit.domain.Decision;
import io.egressratelimit.domain.DescriptorStatus;
import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.RateUnit;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The budget headers, and what Envoy's own DRAFT_VERSION_03 headers get out of the statuses. */
class ResponseHeadersTest {
  private static final LimitPolicy HUNDRED_PER_MINUTE = LimitPolicy.fixedWindow(100, RateUnit.MINUTE);
  private static final LimitPolicy FIVE_PER_15S =
      new LimitPolicy(5, Duration.ofSeconds(15), Optional.empty(), Algorithm.TOKEN_BUCKET, 5);

  private static DescriptorStatus status(Code code, LimitPolicy policy, long remaining, Duration reset) {
    return new DescriptorStatus(code, Optional.empty(), "k", Optional.of(policy), remaining, reset, false);
  }

  private static Map<String, String> headers(RateLimitResponse response) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (HeaderValue header : response.getResponseHeadersToAddList()) {
      headers.put(header.getKey(), header.getValue());
    }
    return headers;
  }

  private static RateLimitResponse answer(Code overall, DescriptorStatus... statuses) {
    return ResponseTranslator.toProto(new Decision(overall, List.of(statuses)),
        Optional.of(RateLimitHeaders.DEFAULT));
  }

  @Test
  void theHeadersDescribeTheDescriptorWithTheFewestRequestsLeft() {
    RateLimitResponse response = answer(Code.OK,
        status(Code.OK, HUNDRED_PER_MINUTE, 40, Duration.ofSeconds(20)),
        status(Code.OK, FIVE_PER_15S, 2, Duration.ofMillis(8_200)),
        DescriptorStatus.unlimited(Optional.empty(), ""));
    assertEquals(Map.of("RateLimit-Limit", "5", "RateLimit-Remaining", "2", "RateLimit-Reset", "9"), headers(response),
        "N per period of the rule itself, and the reset rounded up to whole seconds");
  }

  @Test
  void aDescriptorOverItsLimitWinsWhateverOthersHaveLeft() {
    RateLimitResponse response = answer(Code.OVER_LIMIT,
        status(Code.OK, FIVE_PER_15S, 0, Duration.ofSeconds(3)),
        status(Code.OVER_LIMIT, HUNDRED_PER_MINUTE, 0, Duration.ofSeconds(42)));
    assertEquals(Map.of("RateLimit-Limit", "100", "RateLimit-Remaining", "0", "RateLimit-Reset", "42"),
        headers(response));
  }

  @Test
  void theNamesAreConfigurableAndNothingIsAddedWhenDisabledOrUnlimited() {
    Decision decision = new Decision(Code.OK, List.of(status(Code.OK, HUNDRED_PER_MINUTE, 1, Duration.ofSeconds(1))));
    RateLimitResponse renamed = ResponseTranslator.toProto(decision,
        Optional.of(new RateLimitHeaders("X-Limit", "X-Left", "X-Reset")));
    assertEquals(List.of("X-Limit", "X-Left", "X-Reset"), List.copyOf(headers(renamed).keySet()));
    assertEquals(0, ResponseTranslator.toProto(decision, Optional.empty()).getResponseHeadersToAddCount());
    assertEquals(0, answer(Code.OK, DescriptorStatus.unlimited(Optional.empty(), "")).getResponseHeadersToAddCount());
  }

  /**
   * Envoy computes its x-ratelimit-* headers (DRAFT_VERSION_03) from current_limit, limit_remaining
   * and duration_until_reset of the status with the least remaining, and builds the quota policy
   * from every status with a known unit. This recomputes them from the proto alone.
   */
  @Test
  void envoysDraftHeadersCanBeBuiltFromTheStatusesAlone() {
    RateLimitResponse response = ResponseTranslator.toProto(new Decision(Code.OK, List.of(
        status(Code.OK, HUNDRED_PER_MINUTE, 40, Duration.ofSeconds(20)),
        status(Code.OK, FIVE_PER_15S, 2, Duration.ofMillis(8_200)))), Optional.empty());
    RateLimitResponse.DescriptorStatus closest = null;
    StringBuilder quotaPolicy = new StringBuilder();
    for (RateLimitResponse.DescriptorStatus status : response.getStatusesList()) {
      assertTrue(status.hasCurrentLimit() && status.hasDurationUntilReset(), status.toString());
      if (closest == null || status.getLimitRemaining() < closest.getLimitRemaining()) {
        closest = status;
      }
      long window = switch (status.getCurrentLimit().getUnit()) {
        case SECOND -> 1;
        case MINUTE -> 60;
        case HOUR -> 3600;
        case DAY -> 86400;
        default -> 0;
      };
      if (window > 0) {
        quotaPolicy.append(", ").append(status.getCurrentLimit().getRequestsPerUnit()).append(";w=").append(window);
      }
    }
    assertEquals("20, 100;w=60, 20;w=60", closest.getCurrentLimit().getRequestsPerUnit() + quotaPolicy.toString(),
        "5 per 15 s reaches Envoy as the same rate per minute");
    assertEquals(2, closest.getLimitRemaining());
    assertEquals(8, closest.getDurationUntilReset().getSeconds());
  }
}
