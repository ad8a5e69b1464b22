package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * How long one request may wait for Redis: what the caller's deadline leaves less a margin for the
 * answer's way back, capped by the backend timeout (which alone applies to callers that set no
 * deadline). Named in the failure message, so an operator reading it knows which of the two gave out.
 *
 * @param nanos the wait; zero or less when the caller's deadline leaves no time at all
 * @param fromCaller whether the caller's deadline, rather than the backend timeout, set it
 */
public record StoreDeadline(long nanos, boolean fromCaller) {

  public static StoreDeadline of(BucketBatch batch, Duration backendTimeout, Duration margin) {
    long backend = backendTimeout.toNanos();
    if (batch.hasCallerDeadline()) {
      long callers = batch.callerWaitNanos() - margin.toNanos();
      if (callers < backend) {
        return new StoreDeadline(callers, true);
      }
    }
    return new StoreDeadline(backend, false);
  }

  /**
   * What every Redis strategy does before it reaches Redis: an empty batch admits at once, and a
   * request whose caller's deadline leaves no time fails at once, unsent; any other goes to
   * {@code decide} with the wait it has.
   */
  public static CompletionStage<BatchOutcome> decideWithin(BucketBatch batch, Duration backendTimeout,
      Duration margin, BiFunction<BucketBatch, StoreDeadline, CompletionStage<BatchOutcome>> decide) {
    if (batch.claims().isEmpty()) {
      return CompletableFuture.completedFuture(new BatchOutcome(true, List.of()));
    }
    StoreDeadline deadline = of(batch, backendTimeout, margin);
    if (deadline.leavesNoTime()) {
      return CompletableFuture.failedFuture(deadline.noTimeLeft());
    }
    return decide.apply(batch, deadline);
  }

  static StoreDeadline backendTimeout(Duration backendTimeout) {
    return new StoreDeadline(backendTimeout.toNanos(), false);
  }

  public boolean leavesNoTime() {
    return nanos <= 0;
  }

  /** E.g. {@code 17.6 ms (what the caller's deadline left)} or {@code 50 ms (BACKEND_TIMEOUT)}. */
  public String describe() {
    return millis(nanos) + (fromCaller ? " (what the caller's deadline left)" : " (BACKEND_TIMEOUT)");
  }

  public StoreUnavailableException noTimeLeft() {
    return new StoreUnavailableException("the caller's deadline left no time to ask redis");
  }

  private static String millis(long nanos) {
    if (nanos % 1_000_000 == 0) {
      return (nanos / 1_000_000) + " ms";
    }
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }
}
