package io.egressratelimit.limiter;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.Completions;
import io.egressratelimit.limiter.store.ForwardingBucketStore;
import io.egressratelimit.limiter.store.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Stops waiting on a store that keeps failing: once calls have failed without a single success for
 * {@code failingFor} (and at least {@code threshold} times), every call fails at once for
 * {@code openFor}, then one probe call decides whether to close again. A dead Redis then costs
 * requests no time at all, and recovery needs no operator. Requests share round trips, so one slow
 * round trip fails many requests at once: that alone, being brief, does not open the circuit.
 *
 * <p>It measures time on a monotonic ticker ({@link System#nanoTime} in production), so a wall clock
 * stepped by NTP neither holds the circuit open nor cuts its pause short.
 */
public final class CircuitBreakingStore extends ForwardingBucketStore {
  public enum State { CLOSED, OPEN, HALF_OPEN }

  /**
   * Told when an outage begins and ends, for the log: not per call, only when the state changes.
   * A store that keeps failing while open (each probe) says nothing new.
   */
  public interface Listener {
    Listener NONE = new Listener() {};

    /** The first failure after a success: the store may be starting to fail. */
    default void onFailing(String reason) {}

    /** Calls failed for long enough: from now on they fail at once, between probes. */
    default void onOpened(int failures, Duration failingFor, String lastReason) {}

    /** A call succeeded again after the circuit opened. */
    default void onClosed(Duration openFor) {}
  }

  private final LongSupplier nanoTicker;
  private final int threshold;
  private final long openForNanos;
  private final long failingForNanos;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private final AtomicLong firstFailureAt = new AtomicLong();
  private final AtomicLong openedAt = new AtomicLong();
  private final AtomicReference<State> state = new AtomicReference<>(State.CLOSED);
  private final AtomicLong firstOpenedAt = new AtomicLong();
  private final LongAdder calls = new LongAdder();
  private final Listener listener;

  public CircuitBreakingStore(
      BucketStore delegate, LongSupplier nanoTicker, int threshold, Duration failingFor, Duration openFor) {
    this(delegate, nanoTicker, threshold, failingFor, openFor, Listener.NONE);
  }

  public CircuitBreakingStore(BucketStore delegate, LongSupplier nanoTicker, int threshold, Duration failingFor,
      Duration openFor, Listener listener) {
    super(delegate);
    this.listener = listener;
    this.nanoTicker = nanoTicker;
    this.threshold = threshold;
    this.failingForNanos = failingFor.toNanos();
    this.openForNanos = openFor.toNanos();
  }

  public State state() {
    return state.get();
  }

  /** Calls made so far, warm-up aside: a count that does not move tells an idle replica. */
  public long calls() {
    return calls.sum();
  }

  /** Closes the breaker: the backend is known to answer again (its first connection just came up). */
  public void reset() {
    consecutiveFailures.set(0);
    state.set(State.CLOSED);
  }

  @Override
  public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
    // A replica warming up on a crowded machine misses deadlines; that says nothing about the
    // backend's health, and the warm-up must reach the backend even while the breaker is open.
    boolean rehearsal = WarmupTraffic.isRehearsal(batch);
    if (!rehearsal) {
      calls.increment();
    }
    State current = state.get();
    if (rehearsal) {
      // answered as any call, below; a failure is not counted
    } else if (current == State.OPEN) {
      if (nanoTicker.getAsLong() - openedAt.get() < openForNanos || !state.compareAndSet(State.OPEN, State.HALF_OPEN)) {
        return rejected();
      }
    } else if (current == State.HALF_OPEN) {
      return rejected(); // one probe at a time
    }
    return forward(batch).whenComplete((outcome, failure) -> {
      if (failure == null) {
        onSuccess();
      } else if (!rehearsal) {
        onFailure(failure);
      }
    });
  }

  private void onSuccess() {
    consecutiveFailures.set(0);
    if (state.getAndSet(State.CLOSED) != State.CLOSED) {
      listener.onClosed(Duration.ofNanos(nanoTicker.getAsLong() - firstOpenedAt.get()));
    }
  }

  private void onFailure(Throwable failure) {
    long now = nanoTicker.getAsLong();
    int failures = consecutiveFailures.incrementAndGet();
    if (failures == 1) {
      firstFailureAt.set(now);
      if (state.get() == State.CLOSED) {
        listener.onFailing(reason(failure));
      }
    }
    boolean persistent = failures >= threshold && now - firstFailureAt.get() >= failingForNanos;
    State current = state.get();
    if (current == State.HALF_OPEN || persistent) {
      openedAt.set(now);
      if (state.getAndSet(State.OPEN) == State.CLOSED) {
        firstOpenedAt.set(now);
        listener.onOpened(failures, Duration.ofNanos(now - firstFailureAt.get()), reason(failure));
      }
    }
  }

  private static String reason(Throwable failure) {
    return String.valueOf(Completions.cause(failure).getMessage());
  }

  private CompletionStage<BatchOutcome> rejected() {
    return CompletableFuture.failedFuture(new StoreUnavailableException(
        "the bucket store is failing; calls are refused for " + openForNanos / 1_000_000 + " ms between probes"));
  }
}
