package io.egressratelimit.domain;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer for one descriptor.
 *
 * @param code OK or OVER_LIMIT; a shadow-mode or quota-mode rule always reads OK
 * @param rule the rule that applied, empty when none did
 * @param metricKey the label metrics count this descriptor under; empty when no rule applied
 * @param currentLimit the limit that applied, empty when none did or it is unlimited
 * @param limitRemaining the tokens left after this request
 * @param durationUntilReset for OVER_LIMIT, the wait until this request could be admitted (a
 *     Retry-After); for OK, the time until the bucket is full again
 * @param wouldHaveBeenDenied the rule would have denied, but is shadow or quota mode
 */
public record DescriptorStatus(
    Code code,
    Optional<Rule> rule,
    String metricKey,
    Optional<LimitPolicy> currentLimit,
    long limitRemaining,
    Duration durationUntilReset,
    boolean wouldHaveBeenDenied) {

  public DescriptorStatus {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(metricKey, "metricKey");
    Objects.requireNonNull(currentLimit, "currentLimit");
    Objects.requireNonNull(durationUntilReset, "durationUntilReset");
  }

  /** The status of a descriptor that no rule limits. */
  public static DescriptorStatus unlimited(Optional<Rule> rule, String metricKey) {
    return new DescriptorStatus(Code.OK, rule, metricKey, Optional.empty(), 0, Duration.ZERO, false);
  }
}
