package io.egressratelimit.loadgen.traffic;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One finished call.
 *
 * @param latencyNanos the whole call, as the calling workload waits for it
 * @param retryHint how long the server asked us to wait, when it said so
 * @param rlsFailed the rate limit service call failed (timed out or errored), whatever the policy
 *     then made of it
 * @param decisionNanos the rate limit decision alone (what Envoy's filter adds), or -1 where it
 *     cannot be seen from here (through a real Envoy)
 * @param upstreamNanos the upstream's answer alone, or -1 when the upstream was not called or its
 *     share cannot be told apart
 */
public record CallResult(
    Outcome outcome, long latencyNanos, Optional<Duration> retryHint, boolean rlsFailed, long decisionNanos,
    long upstreamNanos) {

  public static final long NOT_MEASURED = -1;

  public CallResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(retryHint, "retryHint");
  }

  public CallResult(Outcome outcome, long latencyNanos, Optional<Duration> retryHint, boolean rlsFailed) {
    this(outcome, latencyNanos, retryHint, rlsFailed, NOT_MEASURED, NOT_MEASURED);
  }

  public static CallResult of(Outcome outcome, long latencyNanos) {
    return new CallResult(outcome, latencyNanos, Optional.empty(), false);
  }

  public CallResult withRlsFailed() {
    return new CallResult(outcome, latencyNanos, retryHint, true, decisionNanos, upstreamNanos);
  }

  public CallResult withLatency(long nanos) {
    return new CallResult(outcome, nanos, retryHint, rlsFailed, decisionNanos, upstreamNanos);
  }

  /** The same call with its decision and upstream shares told apart. */
  public CallResult withParts(long decision, long upstream) {
    return new CallResult(outcome, latencyNanos, retryHint, rlsFailed, decision, upstream);
  }
}
