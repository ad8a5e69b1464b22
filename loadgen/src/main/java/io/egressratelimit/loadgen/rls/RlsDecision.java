package io.egressratelimit.loadgen.rls;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The rate limit service's answer to one call, as Envoy's filter reads it.
 *
 * @param resetHint for OVER_LIMIT, the longest {@code duration_until_reset} among the descriptors
 *     over their limit: the time after which all of them could admit again
 */
public record RlsDecision(Verdict verdict, Optional<Duration> resetHint) {
  /** The three things Envoy makes of a call. */
  public enum Verdict {
    OK,
    OVER_LIMIT,
    /** The call failed or missed its deadline; the failure mode decides what follows. */
    FAILED
  }

  public RlsDecision {
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(resetHint, "resetHint");
  }

  static RlsDecision ok() {
    return new RlsDecision(Verdict.OK, Optional.empty());
  }

  static RlsDecision failed() {
    return new RlsDecision(Verdict.FAILED, Optional.empty());
  }
}
