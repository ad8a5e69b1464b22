package io.egressratelimit.settings;

import io.egressratelimit.rls.RateLimitHeaders;
import java.util.Objects;
import java.util.Optional;

/**
 * What answers and metrics tell besides the decision.
 *
 * @param nearLimitRatio the share of a bucket's capacity past which admitted hits count as near the limit
 * @param responseHeaders the budget headers added to every answer; empty adds none
 */
public record AnswerSettings(double nearLimitRatio, Optional<RateLimitHeaders> responseHeaders) {
  public AnswerSettings {
    Objects.requireNonNull(responseHeaders, "responseHeaders");
  }
}
