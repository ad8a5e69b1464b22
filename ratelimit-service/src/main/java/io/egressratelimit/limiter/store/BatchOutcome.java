package io.egressratelimit.limiter.store;

import java.util.List;

/**
 * The result of one {@link BucketBatch}.
 *
 * @param admitted every enforced claim passed, so the tokens were taken
 * @param states one per claim, in claim order
 */
public record BatchOutcome(boolean admitted, List<BucketState> states) {
  public BatchOutcome {
    states = List.copyOf(states);
  }
}
