package io.egressratelimit.limiter.store;

import java.time.Duration;
import java.util.Objects;

/**
 * One bucket after a batch.
 *
 * @param passed the bucket had the tokens its claim required
 * @param remaining whole tokens left after the batch
 * @param untilPassing when the claim did not pass, the wait until it would; zero otherwise
 * @param untilFull the time until the bucket is full again
 */
public record BucketState(boolean passed, long remaining, Duration untilPassing, Duration untilFull) {
  public BucketState {
    Objects.requireNonNull(untilPassing, "untilPassing");
    Objects.requireNonNull(untilFull, "untilFull");
  }
}
