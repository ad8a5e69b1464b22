package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.Completions;
import io.egressratelimit.limiter.store.StoreUnavailableException;
import java.util.concurrent.TimeoutException;

/** Turns whatever Lettuce or bucket4j failed with into the one failure the engine knows. */
public final class RedisFailures {
  private RedisFailures() {}

  public static StoreUnavailableException unavailable(Throwable failure, StoreDeadline deadline) {
    Throwable cause = Completions.cause(failure);
    if (cause instanceof StoreUnavailableException already) {
      return already;
    }
    if (cause instanceof TimeoutException) {
      return new StoreUnavailableException("redis did not answer within " + deadline.describe());
    }
    return new StoreUnavailableException("redis: " + cause.getMessage(), cause);
  }
}
