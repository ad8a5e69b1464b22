package io.egressratelimit.budgets;

import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.SweepGate;
import io.egressratelimit.limiter.WarmupTraffic;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.ForwardingBucketStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which buckets this replica decided on recently, and how many requests each admitted
 * and denied per second over the last minute: what {@code /budgets} shows as live. It sits where
 * the engine calls the store and costs each claim one map lookup and one compare-and-set.
 *
 * <p>At most {@code maxBuckets} are remembered; buckets idle for a minute make room, swept at most
 * once a second. A bucket that finds no room is simply not shown.
 */
public final class BudgetActivity extends ForwardingBucketStore {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final NanoClock clock;
  private final int maxBuckets;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final SweepGate sweepGate = new SweepGate(1); // in seconds

  public BudgetActivity(BucketStore delegate, NanoClock clock, int maxBuckets) {
    super(delegate);
    this.clock = clock;
    this.maxBuckets = maxBuckets;
  }

  @Override
  public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
    return forward(batch).whenComplete((outcome, failure) -> {
      if (outcome != null) {
        record(batch, outcome, clock.epochNanos() / NANOS_PER_SECOND);
      }
    });
  }

  private void record(BucketBatch batch, BatchOutcome outcome, long second) {
    List<BucketClaim> claims = batch.claims();
    for (int i = 0; i < claims.size(); i++) {
      BucketClaim claim = claims.get(i);
      Bucket bucket = bucketFor(batch.domain(), claim, second);
      if (bucket == null) {
        continue;
      }
      bucket.lastSecond = second;
      if (claim.settles()) {
        continue; // a charge or refund settles a call counted when it was admitted
      }
      if (outcome.admitted()) {
        bucket.admitted.increment(second);
      } else if (!outcome.states().get(i).passed() && claim.enforced()) {
        // denied by this bucket; a request denied by another of its buckets took nothing from here
        bucket.denied.increment(second);
      }
    }
  }

  private Bucket bucketFor(String domain, BucketClaim claim, long second) {
    Bucket bucket = buckets.get(claim.key());
    if (bucket != null) {
      return bucket;
    }
    if (buckets.size() >= maxBuckets && !sweep(second)) {
      return null;
    }
    return buckets.computeIfAbsent(claim.key(), key -> new Bucket(domain, key, claim.spec()));
  }

  /** Drops buckets idle for a minute; true when that made room. */
  private boolean sweep(long second) {
    if (!sweepGate.tryOpen(second)) {
      return false;
    }
    buckets.values().removeIf(bucket -> second - bucket.lastSecond >= SecondCounter.SECONDS);
    return buckets.size() < maxBuckets;
  }

  /** The remembered buckets, most active over the last minute first. */
  public List<LiveBucket> live() {
    long now = clock.epochNanos() / NANOS_PER_SECOND;
    List<LiveBucket> live = new ArrayList<>();
    for (Bucket bucket : buckets.values()) {
      // A replica's rehearsals before SERVING are recorded like any call, so the first real one
      // meets this code warm, but they are no budget's activity.
      if (now - bucket.lastSecond >= SecondCounter.SECONDS || WarmupTraffic.isRehearsalKey(bucket.key)) {
        continue;
      }
      live.add(new LiveBucket(bucket.domain, bucket.key, bucket.spec,
          bucket.admitted.last(now, SecondCounter.SECONDS), bucket.denied.last(now, SecondCounter.SECONDS)));
    }
    live.sort(Comparator.comparingLong(LiveBucket::decisions).reversed().thenComparing(LiveBucket::key));
    return live;
  }

  /**
   * One bucket this replica decided on in the last minute.
   *
   * @param domain the batch's domain, which the store needs to find the bucket
   * @param key the bucket's key
   * @param admittedPerSecond requests admitted in each of the last 60 seconds, oldest first
   * @param deniedPerSecond requests this bucket denied in each of the last 60 seconds, oldest first
   */
  public record LiveBucket(String domain, String key, BucketSpec spec, long[] admittedPerSecond,
      long[] deniedPerSecond) {

    public long decisions() {
      long sum = 0;
      for (int i = 0; i < admittedPerSecond.length; i++) {
        sum += admittedPerSecond[i] + deniedPerSecond[i];
      }
      return sum;
    }
  }

  private static final class Bucket {
    final String domain;
    final String key;
    final BucketSpec spec;
    final SecondCounter admitted = new SecondCounter();
    final SecondCounter denied = new SecondCounter();
    volatile long lastSecond;

    Bucket(String domain, String key, BucketSpec spec) {
      this.domain = domain;
      this.key = key;
      this.spec = spec;
    }
  }
}
