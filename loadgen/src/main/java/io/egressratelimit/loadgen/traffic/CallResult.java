package io.egressratelimit.loadgen.traffic;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One finished call.
 *
 * @param retryHint how long the server asked us to wait, when it said so
 * @param rlsFailed the rate limit service call failed (timed out or errored), whatever the policy
 *     then made of it
 */
public record CallResult(
    Outcome outcome, long latencyNanos, Optional<Duration> retryHint, boolean rlsFailed) {

  public CallResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(retryHint, "retryHint");
  }

  public static CallResult of(Outcome outcome, long latencyNanos) {
    return new CallResult(outcome, latencyNanos, Optional.empty(), false);
  }

  public CallResult withRlsFailed() {
    return new CallResult(outcome, latencyNanos, retryHint, true);
  }

  public CallResult withLatency(long nanos) {
    return new CallResult(outcome, nanos, retryHint, rlsFailed);
  }
}
