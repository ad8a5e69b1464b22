package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What a {@link CoalescingQueue} needs from the Redis side, as one object: it sends a group as one
 * call, runs the queue's drains where calls are written, and times its sweeps. Control flows one way:
 * store, queue, line, Redis.
 */
interface CallLine {
  /**
   * Sends one group as one call: one outcome per batch, in order.
   *
   * @param holds per batch, its {@link Hold} when it is one slot's part of a request over several, else null
   */
  CompletionStage<List<BatchOutcome>> send(List<BucketBatch> batches, List<Hold> holds);

  /**
   * Runs a drain where calls are written (the Redis I/O thread), or on the calling thread before
   * that thread is known. May throw {@link java.util.concurrent.RejectedExecutionException} while
   * closing; the queue then drains on the calling thread.
   */
  void runWhereCallsAreWritten(Runnable drain);

  /** Runs a sweep after the delay; on the thread drains run on, arming one wakes no other thread. */
  void sweepAfter(Runnable sweep, long delayNanos);
}
