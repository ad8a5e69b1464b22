package io.egressratelimit.memory;

import io.egressratelimit.bucket4j.Bucket4jShapes;
import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.RefillMath;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketLevel;
import io.egressratelimit.limiter.store.BucketSpec;
import io.egressratelimit.limiter.store.BucketState;
import io.egressratelimit.limiter.store.BucketStore;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The embedded store: bucket4j local buckets in this process. It is exact within the process, but
 * each process has its own buckets, so a budget shared by replicas needs the Redis store.
 *
 * <p>All-or-nothing across buckets comes from locking every bucket of a batch, in key order so two
 * batches can never deadlock, before checking and then consuming.
 */
public final class InMemoryBucketStore implements BucketStore {
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private final NanoClock clock;
  private final TimeMeter timeMeter;

  public InMemoryBucketStore(NanoClock clock) {
    this.clock = clock;
    this.timeMeter = Bucket4jShapes.timeMeter(clock);
  }

  @Override
  public String describe() {
    return "in-memory";
  }

  @Override
  public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
    return CompletableFuture.completedFuture(consumeNow(batch));
  }

  @Override
  public CompletionStage<List<BucketLevel>> peek(BucketBatch batch) {
    long now = clock.epochNanos();
    List<BucketLevel> levels = new ArrayList<>(batch.claims().size());
    for (BucketClaim claim : batch.claims()) {
      Slot slot = slots.get(claim.key());
      long tokens;
      if (slot == null) {
        tokens = claim.spec().initialTokens();
      } else {
        slot.lock();
        try {
          tokens = slot.bucket.getAvailableTokens();
        } finally {
          slot.unlock();
        }
      }
      levels.add(new BucketLevel(tokens, RefillMath.untilFull(claim.spec(), tokens, now)));
    }
    return CompletableFuture.completedFuture(levels);
  }

  /** The number of buckets held; idle full buckets go away in {@link #evictIdle()}. */
  public int size() {
    return slots.size();
  }

  /**
   * Drops buckets untouched for as long as they take to fill: they are full again, and a new
   * bucket would start where they are, so memory stays bounded without changing any answer.
   */
  public void evictIdle() {
    long now = clock.epochNanos();
    for (Map.Entry<String, Slot> entry : slots.entrySet()) {
      Slot slot = entry.getValue();
      if (slot.tryRetireIfIdle(now)) {
        slots.remove(entry.getKey(), slot);
      }
    }
  }

  private BatchOutcome consumeNow(BucketBatch batch) {
    while (true) {
      Map<String, Slot> locked = lockAll(batch.claims());
      if (locked != null) {
        try {
          return decide(batch.claims(), locked);
        } finally {
          locked.values().forEach(Slot::unlock);
        }
      }
    }
  }

  /** Locks each distinct bucket in key order; null when one was retired meanwhile and must be re-fetched. */
  private Map<String, Slot> lockAll(List<BucketClaim> claims) {
    TreeMap<String, BucketSpec> keys = new TreeMap<>();
    for (BucketClaim claim : claims) {
      keys.putIfAbsent(claim.key(), claim.spec());
    }
    Map<String, Slot> locked = new HashMap<>();
    for (Map.Entry<String, BucketSpec> key : keys.entrySet()) {
      Slot slot = slots.computeIfAbsent(key.getKey(), k -> new Slot(key.getValue(), newBucket(key.getValue())));
      slot.lock();
      if (slot.retired) {
        slot.unlock();
        locked.values().forEach(Slot::unlock);
        return null;
      }
      locked.put(key.getKey(), slot);
    }
    return locked;
  }

  private BatchOutcome decide(List<BucketClaim> claims, Map<String, Slot> locked) {
    long now = clock.epochNanos();
    Map<String, Long> pending = new HashMap<>();
    boolean[] passed = new boolean[claims.size()];
    boolean admitted = true;
    for (int i = 0; i < claims.size(); i++) {
      BucketClaim claim = claims.get(i);
      if (claim.settles()) {
        settle(locked.get(claim.key()).bucket, claim);
        passed[i] = true;
        continue;
      }
      long available = locked.get(claim.key()).bucket.getAvailableTokens() - pending.getOrDefault(claim.key(), 0L);
      passed[i] = available >= claim.required();
      if (passed[i]) {
        pending.merge(claim.key(), claim.consume(), Long::sum);
      } else if (claim.enforced()) {
        admitted = false;
      }
    }
    if (admitted) {
      for (int i = 0; i < claims.size(); i++) {
        BucketClaim claim = claims.get(i);
        if (passed[i] && !claim.settles() && claim.consume() > 0) {
          locked.get(claim.key()).bucket.tryConsume(claim.consume());
        }
      }
    }
    List<BucketState> states = new ArrayList<>(claims.size());
    for (int i = 0; i < claims.size(); i++) {
      BucketClaim claim = claims.get(i);
      Slot slot = locked.get(claim.key());
      slot.lastUsedNanos = now;
      long remaining = slot.bucket.getAvailableTokens();
      Duration untilPassing = passed[i]
          ? Duration.ZERO
          : Duration.ofNanos(slot.bucket.estimateAbilityToConsume(claim.required()).getNanosToWaitForRefill());
      states.add(new BucketState(passed[i], remaining, untilPassing, RefillMath.untilFull(claim.spec(), remaining, now)));
    }
    return new BatchOutcome(admitted, states);
  }

  /** Applies a charge (bucket4j lets it overdraw: negative tokens, repaid by refill) or a refund (capped at capacity). */
  private static void settle(LocalBucket bucket, BucketClaim claim) {
    if (claim.consume() == 0) {
      return;
    }
    if (claim.kind() == BucketClaim.Kind.CHARGE) {
      bucket.consumeIgnoringRateLimits(claim.consume());
    } else {
      bucket.addTokens(claim.consume());
    }
  }

  private LocalBucket newBucket(BucketSpec spec) {
    return Bucket.builder()
        .addLimit(Bucket4jShapes.bandwidth(spec))
        .withCustomTimePrecision(timeMeter)
        .withSynchronizationStrategy(SynchronizationStrategy.NONE)
        .build();
  }

  /** One bucket and the lock that makes a batch over several buckets atomic. */
  private static final class Slot {
    private final ReentrantLock lock = new ReentrantLock();
    private final BucketSpec spec;
    private final LocalBucket bucket;
    private volatile long lastUsedNanos = Long.MAX_VALUE / 2;
    private boolean retired;

    Slot(BucketSpec spec, LocalBucket bucket) {
      this.spec = spec;
      this.bucket = bucket;
    }

    void lock() {
      lock.lock();
    }

    void unlock() {
      lock.unlock();
    }

    /** Retires the slot if it is idle and nobody holds it; a holder sees {@code retired} and re-fetches. */
    boolean tryRetireIfIdle(long now) {
      if (!lock.tryLock()) {
        return false;
      }
      try {
        // A bucket in debt takes longer than timeToFill to be full: dropping it would forgive the debt.
        retired = now - lastUsedNanos >= spec.timeToFill().toNanos() && bucket.getAvailableTokens() >= spec.capacity();
        return retired;
      } finally {
        lock.unlock();
      }
    }
  }
}
