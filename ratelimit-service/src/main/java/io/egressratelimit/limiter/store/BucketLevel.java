package io.egressratelimit.limiter.store;

import java.time.Duration;
import java.util.Objects;

/**
 * What one bucket holds right now, read without taking anything.
 *
 * @param tokens whole tokens left
 * @param untilFull the time until the bucket is full again
 */
public record BucketLevel(long tokens, Duration untilFull) {
  public BucketLevel {
    Objects.requireNonNull(untilFull, "untilFull");
  }
}
