package io.egressratelimit.limiter;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import io.egressratelimit.limiter.store.BucketState;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.ForwardingBucketStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers locally for buckets known to be empty until their next token is due. It can only ever
 * deny what the store would deny, so it never admits more; it saves the store the round trips of a
 * flood of over-limit traffic. The number of remembered buckets is bounded.
 *
 * <p>A local denial reports every claim as the store would: the empty bucket with its Retry-After
 * and its time to fill, and each other bucket of the request with the tokens it held when this
 * replica last saw it plus what has refilled since. That figure can only be too high when other
 * replicas spent meanwhile; it is information, never a decision, since the request is denied
 * anyway. When a request names a bucket this replica has not seen, it goes to the store, which
 * answers exactly and teaches the cache for the next one.
 */
public final class OverLimitCache extends ForwardingBucketStore {
  private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

  private final NanoClock clock;
  private final int maxEntries;
  private final Map<String, Long> emptyUntil = new ConcurrentHashMap<>();
  /** Buckets seen in requests of several claims: what a local denial reports for them. */
  private final Map<String, Seen> lastSeen = new ConcurrentHashMap<>();
  private final SweepGate sweepGate = new SweepGate(SWEEP_INTERVAL_NANOS);

  /** Whole tokens a bucket held at a moment, and when it is full at the latest (then it is forgotten). */
  private record Seen(long tokens, long atNanos, long fullAtNanos) {}

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

  /** A denial when an enforced claim of one token hits a bucket known empty and every other bucket is known. */
  private BatchOutcome answerLocally(BucketBatch batch, long now) {
    List<BucketClaim> claims = batch.claims();
    List<BucketState> states = new ArrayList<>(claims.size());
    boolean denied = false;
    for (BucketClaim claim : claims) {
      if (claim.settles()) {
        return null; // a charge or refund must reach the store, whatever this request's answer
      }
      Long until = emptyUntil.get(claim.key());
      if (until != null && until <= now) {
        emptyUntil.remove(claim.key(), until);
        until = null;
      }
      if (until != null && claim.required() == 1) {
        states.add(new BucketState(false, 0, Duration.ofNanos(until - now), RefillMath.untilFull(claim.spec(), 0, now)));
        denied |= claim.enforced();
      } else {
        states.add(null);
      }
    }
    if (!denied) {
      return null;
    }
    for (int i = 0; i < claims.size(); i++) {
      if (states.get(i) == null) {
        BucketState known = estimate(claims.get(i), now);
        if (known == null) {
          return null;
        }
        states.set(i, known);
      }
    }
    return new BatchOutcome(false, states);
  }

  /**
   * A bucket last seen with some tokens, refilled since. Null when it is not known, or known empty (a
   * claim of more tokens than one on an empty bucket): the store answers those.
   */
  private BucketState estimate(BucketClaim claim, long now) {
    Seen seen = lastSeen.get(claim.key());
    if (seen == null || emptyUntil.containsKey(claim.key())) {
      return null;
    }
    BucketSpec spec = claim.spec();
    long tokens = Math.min(spec.capacity(), seen.tokens() + refilledBetween(spec, seen.atNanos(), now));
    boolean passes = tokens >= claim.required();
    return new BucketState(passes, tokens, passes ? Duration.ZERO : untilHolding(spec, tokens, claim.required(), now),
        RefillMath.untilFull(spec, tokens, now));
  }

  private static long refilledBetween(BucketSpec spec, long fromNanos, long toNanos) {
    long period = spec.refillPeriod().toNanos();
    return switch (spec.style()) {
      case INTERVAL_ALIGNED -> saturatedMultiply(Math.floorDiv(toNanos, period) - Math.floorDiv(fromNanos, period),
          spec.refillTokens());
      case GREEDY -> (long) ((double) Math.max(0, toNanos - fromNanos) * spec.refillTokens() / period);
    };
  }

  /** The wait until a bucket of {@code tokens} now holds {@code required}: the store's Retry-After. */
  private static Duration untilHolding(BucketSpec spec, long tokens, long required, long now) {
    BucketSpec smaller = new BucketSpec(required, spec.refillTokens(), spec.refillPeriod(), spec.style(), 0);
    return RefillMath.untilFull(smaller, tokens, now);
  }

  private static long saturatedMultiply(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high == 0 && low >= 0 ? low : Long.MAX_VALUE;
  }

  private void remember(BucketBatch batch, BatchOutcome outcome, long now) {
    boolean several = batch.claims().size() > 1;
    for (int i = 0; i < batch.claims().size(); i++) {
      BucketClaim claim = batch.claims().get(i);
      BucketState state = outcome.states().get(i);
      // Only a failed claim of one token tells when the bucket holds a token again.
      if (!state.passed() && claim.required() == 1 && state.remaining() == 0 && hasRoom(emptyUntil, now)) {
        emptyUntil.put(claim.key(), now + state.untilPassing().toNanos());
      }
      if (several && hasRoom(lastSeen, now)) {
        lastSeen.put(claim.key(), new Seen(state.remaining(), now, now + state.untilFull().toNanos()));
      }
    }
  }

  /** Whether a map may take one more entry: full of live entries, not caching is always safe. */
  private boolean hasRoom(Map<String, ?> entries, long now) {
    if (entries.size() < maxEntries) {
      return true;
    }
    sweep(now);
    return entries.size() < maxEntries;
  }

  /** Drops entries that tell nothing any more, at most once per {@link #SWEEP_INTERVAL_NANOS}. */
  private void sweep(long now) {
    if (sweepGate.tryOpen(now)) {
      emptyUntil.values().removeIf(until -> until <= now);
      lastSeen.values().removeIf(seen -> seen.fullAtNanos() <= now);
    }
  }

  /** Buckets remembered as empty: at most the bound this cache was given. */
  public int emptyEntries() {
    return emptyUntil.size();
  }

  /** Buckets remembered with the tokens a request of several claims last saw: at most the same bound. */
  public int seenEntries() {
    return lastSeen.size();
  }
}
