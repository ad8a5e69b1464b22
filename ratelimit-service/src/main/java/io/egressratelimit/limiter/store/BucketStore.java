package io.egressratelimit.limiter.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where buckets live: in memory, or in Redis shared by every replica. The engine makes one call per
 * request, and more only for a request in quota mode whose first quota bucket is empty: then one more
 * per quota-mode descriptor that still had tokens (see {@code RateLimitEngine}). Each call is a whole
 * request's claims, and every store honours the same contract, which one test suite checks:
 *
 * <ul>
 *   <li>All or nothing: the batch is admitted only when every enforced claim has at least
 *       {@code required} tokens. Then every enforced claim consumes its tokens, and each claim
 *       that is not enforced (shadow or quota mode) consumes its tokens if it has them. Otherwise
 *       nothing is consumed.
 *   <li>Settlements ({@link BucketClaim.Kind#CHARGE}, {@link BucketClaim.Kind#REFUND}) settle calls
 *       already made: each is applied whatever the batch's outcome, always passes and never denies.
 *       A charge is recorded even when it takes the bucket below zero; that debt is repaid by refill
 *       before any claim can find tokens again. A refund never fills a bucket past its capacity.
 *   <li>Exact under concurrency: two batches never both spend the same token.
 *   <li>A failure completes the stage exceptionally with {@link StoreUnavailableException}; the
 *       engine turns it into the configured failure policy.
 * </ul>
 */
public interface BucketStore extends AutoCloseable {

  CompletionStage<BatchOutcome> consume(BucketBatch batch);

  /**
   * Reads the buckets of a batch without consuming or writing anything: one level per claim, in
   * claim order; a bucket the store does not hold reads as a new one would start. Only the claims'
   * keys and specs matter. For watching budgets ({@code /budgets}), never for deciding.
   *
   * <p>A store that cannot read without writing fails the stage with
   * {@link UnsupportedOperationException}.
   */
  default CompletionStage<List<BucketLevel>> peek(BucketBatch batch) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(describe() + " cannot read a bucket without consuming"));
  }

  /** A short description for the start-up log line, e.g. {@code in-memory} or {@code redis(single) 127.0.0.1:6379}. */
  String describe();

  @Override
  default void close() {}
}
