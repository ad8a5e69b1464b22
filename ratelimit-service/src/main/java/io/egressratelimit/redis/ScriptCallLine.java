package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The token bucket script as the coalescing queues' one line to Redis: a group becomes one
 * {@code token-buckets.lua} call, and drains and sweeps run on the Redis I/O thread, which the request
 * wakes anyway to write its call.
 */
final class ScriptCallLine implements CallLine, AutoCloseable {
  /** A receipt outlives the longest wait for a call's answer by this much: a give-back comes right after. */
  private static final long RECEIPT_MARGIN_MILLIS = 1000;

  private final ScriptRunner runner;
  private final Duration timeout;
  private final LongSupplier nowMicros;
  /** For sweeps before the Redis I/O thread is known, and after it has shut down. */
  private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "redis-deadlines");
    thread.setDaemon(true);
    return thread;
  });
  /** Receipts of this process's calls are named apart from every other replica's. */
  private final String receiptPrefix = "~r" + Long.toHexString(new SecureRandom().nextLong()) + ".";
  private final AtomicLong receipts = new AtomicLong();

  /**
   * @param timeout BACKEND_TIMEOUT: the longest a call may take, and so how long a receipt must live
   * @param nowMicros the time to decide at, or -1 for the Redis server's clock
   */
  ScriptCallLine(ScriptRunner runner, Duration timeout, LongSupplier nowMicros) {
    this.runner = runner;
    this.timeout = timeout;
    this.nowMicros = nowMicros;
  }

  /**
   * One script call; the coalescing queue bounds how long it may take. Claims come keyed by their
   * Redis keys ({@link SlotPlan}). A call carrying parts of requests over several slots leaves a
   * receipt beside its first bucket, for as long as a give-back can follow.
   */
  @Override
  public CompletionStage<List<BatchOutcome>> send(List<BucketBatch> batches, List<Hold> holds) {
    StoreDeadline callDeadline = StoreDeadline.backendTimeout(timeout);
    TokenBucketScript.Call call = TokenBucketScript.encode(batches, nowMicros.getAsLong(), ScriptCallLine::redisKey);
    if (holds.stream().anyMatch(Objects::nonNull)) {
      String receipt = call.keys()[0] + receiptPrefix + Long.toString(receipts.incrementAndGet(), 36);
      call = TokenBucketScript.withReceipt(call, receipt, timeout.toMillis() + RECEIPT_MARGIN_MILLIS);
      for (int i = 0; i < holds.size(); i++) {
        if (holds.get(i) != null) {
          holds.get(i).issued(receipt, i);
        }
      }
    }
    return runner.run(call.keys(), call.args())
        .handle((reply, failure) -> {
          if (failure != null) {
            throw RedisFailures.unavailable(failure, callDeadline);
          }
          return TokenBucketScript.decode(reply, batches);
        });
  }

  @Override
  public void runWhereCallsAreWritten(Runnable drain) {
    runner.callThread().ifPresentOrElse(loop -> loop.execute(drain), drain);
  }

  @Override
  public void sweepAfter(Runnable sweep, long delayNanos) {
    Optional<ScheduledExecutorService> loop = runner.callThread();
    if (loop.isPresent()) {
      try {
        loop.get().schedule(sweep, delayNanos, TimeUnit.NANOSECONDS);
        return;
      } catch (RejectedExecutionException shutDown) {
        // falls through to the scheduler of its own
      }
    }
    deadlines.schedule(sweep, delayNanos, TimeUnit.NANOSECONDS);
  }

  /** Claims on their way to Redis are keyed by their full Redis keys (see {@link SlotPlan}). */
  static String redisKey(BucketBatch batch, BucketClaim claim) {
    return claim.key();
  }

  @Override
  public void close() {
    deadlines.shutdownNow();
  }
}
