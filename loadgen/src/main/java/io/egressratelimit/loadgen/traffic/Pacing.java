package io.egressratelimit.loadgen.traffic;

import java.time.Duration;
import java.util.Objects;

/** One worker's memory of how its calls went, turned into the pause before the next call. */
public final class Pacing {
  private final BackoffPolicy policy;
  private int consecutiveSetbacks;

  public Pacing(BackoffPolicy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  public Duration pauseAfter(CallResult result) {
    if (result.outcome() == Outcome.ADMITTED) {
      consecutiveSetbacks = 0;
      return policy.afterAdmitted();
    }
    consecutiveSetbacks++;
    return policy.afterRejection(consecutiveSetbacks, result.retryHint());
  }
}
