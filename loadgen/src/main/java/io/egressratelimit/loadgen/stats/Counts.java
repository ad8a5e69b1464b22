package io.egressratelimit.loadgen.stats;

/**
 * How the calls of a run ended.
 *
 * @param rlsFailures rate limit service calls that failed or timed out; they are also counted under
 *     the outcome that the failure mode made of them
 */
public record Counts(
    long sent,
    long admitted,
    long rejected,
    long serverErrors,
    long otherStatus,
    long failed,
    long rlsFailures) {

  /** Everything that was neither admitted nor rejected. */
  public long errors() {
    return serverErrors + otherStatus + failed;
  }
}
