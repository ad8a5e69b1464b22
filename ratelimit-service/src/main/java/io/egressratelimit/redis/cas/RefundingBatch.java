package io.egressratelimit.redis.cas;

import io.egressratelimit.limiter.RefillMath;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketState;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * All or nothing over buckets that can only be changed one at a time: the enforced claims take
 * their tokens one after another, in claim order; the first that cannot stops the batch, and the
 * tokens already taken are given back with {@code addTokens}.
 *
 * <p>Why this never admits more than an atomic store would: a bucket's tokens are only ever held
 * by batches that will be admitted, or held for a moment by batches that will give them back.
 * Giving back adds at most what was taken and never fills a bucket past its capacity, so a bucket
 * never holds more than it would had the tokens never been taken. The cost is the other way: while
 * a token is held for a moment, a concurrent batch can be denied that an atomic store would have
 * admitted. The later a claim comes in the batch, the less this happens, since the last claim's
 * tokens are never given back.
 */
final class RefundingBatch {
  private final List<BucketClaim> claims;
  private final List<AsyncBucketProxy> buckets;
  private final TimeMeter clock;
  private final ClaimResult[] results;

  RefundingBatch(List<BucketClaim> claims, List<AsyncBucketProxy> buckets, TimeMeter clock) {
    this.claims = claims;
    this.buckets = buckets;
    this.clock = clock;
    this.results = new ClaimResult[claims.size()];
  }

  CompletableFuture<BatchOutcome> run() {
    return settleCalls().thenCompose(settled -> takeEnforced(0)).thenCompose(admitted -> {
      CompletableFuture<Void> rest = admitted ? settleNotEnforced() : refundAndReport();
      return rest.thenApply(done -> outcome(admitted));
    });
  }

  /**
   * Charges and refunds first: they settle calls already made, so they apply whatever the batch's
   * outcome. bucket4j's {@code consumeIgnoringRateLimits} lets a charge overdraw (debt that refill
   * repays); {@code addTokens} never fills past capacity.
   */
  private CompletableFuture<Void> settleCalls() {
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (int i = 0; i < claims.size(); i++) {
      BucketClaim claim = claims.get(i);
      if (!claim.settles()) {
        continue;
      }
      int index = i;
      AsyncBucketProxy bucket = buckets.get(i);
      CompletableFuture<?> applied = claim.consume() == 0
          ? CompletableFuture.completedFuture(null)
          : claim.kind() == BucketClaim.Kind.CHARGE
              ? bucket.consumeIgnoringRateLimits(claim.consume())
              : bucket.addTokens(claim.consume());
      pending.add(applied.thenCompose(done -> bucket.getAvailableTokens())
          .thenAccept(tokens -> results[index] = new ClaimResult(true, tokens, 0, 0)));
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
  }

  /** Takes the enforced claims from {@code index} on; completes with false at the first that fails. */
  private CompletableFuture<Boolean> takeEnforced(int index) {
    if (index == claims.size()) {
      return CompletableFuture.completedFuture(true);
    }
    if (!claims.get(index).enforced()) {
      return takeEnforced(index + 1);
    }
    return attempt(index).thenCompose(result -> {
      results[index] = result;
      return result.passed() ? takeEnforced(index + 1) : CompletableFuture.completedFuture(false);
    });
  }

  /** After an admission, each claim that is not enforced (shadow or quota mode) takes its tokens if it has them. */
  private CompletableFuture<Void> settleNotEnforced() {
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (int i = 0; i < claims.size(); i++) {
      if (results[i] == null) {
        int index = i;
        pending.add(attempt(i).thenAccept(result -> results[index] = result));
      }
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
  }

  /** After a denial, gives back what was taken and reports the other claims without touching them. */
  private CompletableFuture<Void> refundAndReport() {
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (int i = 0; i < claims.size(); i++) {
      int index = i;
      ClaimResult taken = results[i];
      if (taken == null) {
        pending.add(estimate(i).thenAccept(result -> results[index] = result));
      } else if (taken.held() > 0) {
        long capacity = claims.get(i).spec().capacity();
        pending.add(buckets.get(i).addTokens(taken.held()).thenRun(() -> results[index] =
            new ClaimResult(true, Math.min(capacity, taken.remaining() + taken.held()), 0, 0)));
      }
    }
    return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
  }

  /**
   * Takes {@code required} tokens and keeps {@code consume} of them; a check (consume 0) only looks.
   * The engine's claims take all they require or nothing, so the give-back below is for completeness.
   */
  private CompletableFuture<ClaimResult> attempt(int index) {
    BucketClaim claim = claims.get(index);
    if (claim.consume() == 0 || claim.required() == 0) {
      return estimate(index);
    }
    AsyncBucketProxy bucket = buckets.get(index);
    return bucket.tryConsumeAndReturnRemaining(claim.required()).thenCompose(probe -> {
      if (!probe.isConsumed()) {
        return CompletableFuture.completedFuture(
            new ClaimResult(false, probe.getRemainingTokens(), probe.getNanosToWaitForRefill(), 0));
      }
      long excess = claim.required() - claim.consume();
      ClaimResult kept = new ClaimResult(true, probe.getRemainingTokens() + excess, 0, claim.consume());
      return excess == 0 ? CompletableFuture.completedFuture(kept) : bucket.addTokens(excess).thenApply(v -> kept);
    });
  }

  private CompletableFuture<ClaimResult> estimate(int index) {
    return buckets.get(index).estimateAbilityToConsume(claims.get(index).required()).thenApply(probe ->
        new ClaimResult(probe.canBeConsumed(), probe.getRemainingTokens(),
            probe.canBeConsumed() ? 0 : probe.getNanosToWaitForRefill(), 0));
  }

  private BatchOutcome outcome(boolean admitted) {
    long now = clock.currentTimeNanos();
    List<BucketState> states = new ArrayList<>(claims.size());
    for (int i = 0; i < claims.size(); i++) {
      ClaimResult result = results[i];
      states.add(new BucketState(result.passed(), result.remaining(), Duration.ofNanos(result.nanosUntilPassing()),
          RefillMath.untilFull(claims.get(i).spec(), result.remaining(), now)));
    }
    return new BatchOutcome(admitted, states);
  }

  /** One claim's answer; {@code held} is what the batch took from the bucket and keeps unless it is denied. */
  private record ClaimResult(boolean passed, long remaining, long nanosUntilPassing, long held) {}
}
