package io.egressratelimit.limiter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * Answers locally for buckets known to be empty until their next token is due. It can only ever
 * deny what the store would deny, so it never admits more; it saves the store the round trips of a
 * flood of over-limit traffic. The number of remembered buckets is bounded.
 */
public final class OverLimitCache extends ForwardingBucketStore {
  private final NanoClock clock;
  private final int maxEntries;
  private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;
  private static final AtomicLongFieldUpdater<OverLimitCache> SWEEP =
      AtomicLongFieldUpdater.newUpdater(OverLimitCache.class, "nextSweepNanos");

  private final Map<String, Long> emptyUntil = new ConcurrentHashMap<>();
  private volatile long nextSweepNanos = Long.MIN_VALUE;

  public OverLimitCache(BucketStore delegate, NanoClock clock, int maxEntries) {
    super(delegate);
    this.clock = clock;
    this.maxEntries = maxEntries;
  }

  @Override
  public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
    long now = clock.epochNanos();
    BatchOutcome local = answerLocally(batch, now);
    if (local != null) {
      return CompletableFuture.completedFuture(local);
    }
    return delegate.consume(batch).thenApply(outcome -> {
      remember(batch, outcome, now);
      return outcome;
    });
  }

  /**
   * A denial when an enforced claim's bucket is known empty. The other claims are reported as
   * passing with nothing remaining: what they hold is unknown here, and the request is denied anyway.
   */
  private BatchOutcome answerLocally(BucketBatch batch, long now) {
    boolean denied = false;
    List<BucketState> states = new ArrayList<>(batch.claims().size());
    for (BucketClaim claim : batch.claims()) {
      Long until = emptyUntil.get(claim.key());
      if (until != null && until > now) {
        states.add(new BucketState(false, 0, Duration.ofNanos(until - now), Duration.ofNanos(until - now)));
        denied |= claim.enforced();
      } else {
        if (until != null) {
          emptyUntil.remove(claim.key(), until);
        }
        states.add(new BucketState(true, 0, Duration.ZERO, Duration.ZERO));
      }
    }
    return denied ? new BatchOutcome(false, states) : null;
  }

  /** Only a failed claim of one token tells when the bucket holds a token again. */
  private void remember(BucketBatch batch, BatchOutcome outcome, long now) {
    for (int i = 0; i < batch.claims().size(); i++) {
      BucketClaim claim = batch.claims().get(i);
      BucketState state = outcome.states().get(i);
      if (!state.passed() && claim.required() == 1 && state.remaining() == 0) {
        if (emptyUntil.size() >= maxEntries && !sweptRoomFor(now)) {
          continue; // full of live entries: not caching is always safe
        }
        emptyUntil.put(claim.key(), now + state.untilPassing().toNanos());
      }
    }
  }

  /**
   * Drops entries whose token is due, at most once per {@link #SWEEP_INTERVAL_NANOS}: a cache full of
   * live entries would otherwise scan itself on every denial, on the request path.
   */
  private boolean sweptRoomFor(long now) {
    long due = nextSweepNanos;
    if (now >= due && SWEEP.compareAndSet(this, due, now + SWEEP_INTERVAL_NANOS)) {
      emptyUntil.values().removeIf(until -> until <= now);
    }
    return emptyUntil.size() < maxEntries;
  }

  int size() {
    return emptyUntil.size();
  }


}
