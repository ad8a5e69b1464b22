package io.egressratelimit.loadgen.rlqs;

import java.time.Duration;
import java.util.Optional;

/**
 * Which simulated Envoy a request goes through. Without a move, requests go round-robin over all
 * of them. With one, all demand sits on the first Envoy until the move and on the last after it:
 * the server has to take the share from one and give it to the other.
 *
 * @param moveAt how long into the run the demand moves; empty for round-robin
 */
public record DemandPlan(int envoys, Optional<Duration> moveAt) {
  public DemandPlan {
    if (envoys < 1) {
      throw new IllegalArgumentException("at least one Envoy is needed");
    }
    if (moveAt.isPresent() && envoys < 2) {
      throw new IllegalArgumentException("moving demand needs at least two Envoys");
    }
  }

  public int first() {
    return 0;
  }

  public int last() {
    return envoys - 1;
  }

  /**
   * @param sequence the request's number in the run, from 0
   * @param sinceStart how long the run has gone
   */
  public int envoyFor(long sequence, Duration sinceStart) {
    if (moveAt.isEmpty()) {
      return (int) Math.floorMod(sequence, (long) envoys);
    }
    return sinceStart.compareTo(moveAt.get()) < 0 ? first() : last();
  }
}
