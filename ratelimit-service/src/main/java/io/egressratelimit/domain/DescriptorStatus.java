package io.egressratelimit.domain;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer for one descriptor.
 *
 * @param code OK or OVER_LIMIT; a shadow-mode rule always reads OK, a quota-mode one OVER_LIMIT when it is over
 * @param rule the rule that applied, empty when none did
 * @param metricKey the label metrics count this descriptor under; empty when no rule applied
 * @param currentLimit the limit that applied, empty when none did or it is unlimited
 * @param limitRemaining the tokens left after this request; {@link #UNLIMITED_REMAINING} for an unlimited rule
 * @param durationUntilReset for OVER_LIMIT, the wait until this request could be admitted (a
 *     Retry-After); for OK, the time until the bucket is full again
 * @param shadowOverLimit over a limit in shadow mode: it would have been denied
 */
public record DescriptorStatus(
    Code code,
    Optional<Rule> rule,
    String metricKey,
    Optional<LimitPolicy> currentLimit,
    long limitRemaining,
    Duration durationUntilReset,
    boolean shadowOverLimit) {

  public DescriptorStatus {
    for (Object part : new Object[] {code, rule, metricKey, currentLimit, durationUntilReset}) {
      Objects.requireNonNull(part, "a status needs code, rule, metricKey, currentLimit and durationUntilReset");
    }
  }

  /**
   * What an {@code unlimited: true} rule reports as remaining: the largest value Envoy's uint32 field
   * holds, as envoyproxy/ratelimit sends it, which clients read as "no limit".
   */
  public static final long UNLIMITED_REMAINING = 0xFFFF_FFFFL;

  /** A descriptor whose bucket had its tokens; {@code untilFull} is when it is full again. */
  public static DescriptorStatus ok(Optional<Rule> rule, String metricKey, Optional<LimitPolicy> limit,
      long remaining, Duration untilFull) {
    return new DescriptorStatus(Code.OK, rule, metricKey, limit, remaining, untilFull, false);
  }

  /** A descriptor over its limit; {@code untilPassing} is the wait until this request could pass. */
  public static DescriptorStatus overLimit(Optional<Rule> rule, String metricKey, Optional<LimitPolicy> limit,
      long remaining, Duration untilPassing) {
    return new DescriptorStatus(Code.OVER_LIMIT, rule, metricKey, limit, remaining, untilPassing, false);
  }

  /** A descriptor over a limit in shadow mode: it reads OK, and metrics count the denial it would have been. */
  public static DescriptorStatus shadowOverLimit(Optional<Rule> rule, String metricKey, Optional<LimitPolicy> limit,
      long remaining, Duration untilFull) {
    return new DescriptorStatus(Code.OK, rule, metricKey, limit, remaining, untilFull, true);
  }

  /**
   * A descriptor answered without its bucket (the store failed and a failure policy spoke): nothing
   * is known of its tokens.
   */
  public static DescriptorStatus notRead(
      Code code, Optional<Rule> rule, String metricKey, Optional<LimitPolicy> limit) {
    return new DescriptorStatus(code, rule, metricKey, limit, 0, Duration.ZERO, false);
  }

  /**
   * The status of a descriptor that nothing limits: no rule, a replaced rule (0 remaining, as
   * upstream), or an unlimited rule ({@link #UNLIMITED_REMAINING}).
   */
  public static DescriptorStatus unlimited(Optional<Rule> rule, String metricKey) {
    long remaining = rule.map(Rule::unlimited).orElse(false) ? UNLIMITED_REMAINING : 0;
    return new DescriptorStatus(Code.OK, rule, metricKey, Optional.empty(), remaining, Duration.ZERO, false);
  }

  /** Whether an {@code unlimited: true} rule answered this descriptor (no bucket was asked). */
  public boolean unlimitedRule() {
    return currentLimit.isEmpty() && rule.map(Rule::unlimited).orElse(false);
  }
}
