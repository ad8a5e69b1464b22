package io.egressratelimit.redis;

import io.egressratelimit.domain.BucketKey;
import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketLevel;
import io.egressratelimit.limiter.store.BucketStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets in Redis, decided by one atomic script per round trip. Requests queued behind a
 * call in flight are coalesced into the next call, per cluster slot.
 *
 * <p>Every bucket of a request shares one cluster slot (see {@link BucketKey#inStore}), which the script's
 * atomic all-or-nothing needs on a Redis Cluster.
 */
public final class LuaBucketStore implements BucketStore {
  private final ScriptRunner runner;
  private final String keyPrefix;
  private final Optional<NanoClock> clientClock;
  private final Duration timeout;
  private final Duration deadlineMargin;
  private final int maxInFlight;
  private final Map<Integer, CoalescingQueue> queues = new ConcurrentHashMap<>();
  /** Fails requests whose deadline passes; see {@link CoalescingQueue}. */
  private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "redis-deadlines");
    thread.setDaemon(true);
    return thread;
  });
  /** Every bucket of a shard hashes to the shard's slot: its queue, found without building a key per request. */
  private final Map<String, CoalescingQueue> queueOfShard = new ConcurrentHashMap<>();

  /**
   * @param clientClock the time to decide at; empty (the default) uses the Redis server's clock so
   *     replicas with different local clocks share one time line
   * @param timeout how long a request may wait, queued and on the wire, before it fails as unavailable
   * @param deadlineMargin kept back from a caller's deadline, which shortens the wait below the timeout
   * @param maxInFlight script calls in flight per slot; more means smaller batches and less waiting
   */
  LuaBucketStore(ScriptRunner runner, String keyPrefix, Optional<NanoClock> clientClock, Duration timeout,
      Duration deadlineMargin, int maxInFlight) {
    this.runner = runner;
    this.keyPrefix = keyPrefix;
    this.clientClock = clientClock;
    this.timeout = timeout;
    this.deadlineMargin = deadlineMargin;
    this.maxInFlight = maxInFlight;
  }

  @Override
  public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
    return StoreDeadline.decideWithin(batch, timeout, deadlineMargin, this::enqueue);
  }

  private CompletionStage<BatchOutcome> enqueue(BucketBatch batch, StoreDeadline deadline) {
    CoalescingQueue queue = queueOfShard.get(batch.shard());
    if (queue == null) {
      int slot = runner.slotOf(keyOf(batch, batch.claims().get(0)));
      queue = queueOfShard.computeIfAbsent(batch.shard(),
          shard -> queues.computeIfAbsent(slot, s -> new CoalescingQueue(maxInFlight, 1000, this::send,
              timeout.toNanos(), this::scheduleSweep, this::runOnCallThread)));
    }
    // The deadline runs from here, not from when the request goes on the wire: behind a call that
    // hangs, a queued request would otherwise wait for that call's timeout and then its own.
    return queue.submit(batch, deadline);
  }

  /** Runs a drain where calls are written; before that thread is known, here. */
  private void runOnCallThread(Runnable drain) {
    runner.callThread().ifPresentOrElse(loop -> loop.execute(drain), drain);
  }

  /**
   * Arms a sweep on the Redis I/O thread, which the request arming it wakes anyway to drain; the
   * scheduler of its own is for before that thread is known, and for after it has shut down.
   */
  private void scheduleSweep(Runnable sweep, long delayNanos) {
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

  /** One script call; the coalescing queue bounds how long it may take (see {@link CoalescingQueue}). */
  private CompletionStage<List<BatchOutcome>> send(List<BucketBatch> batches) {
    long now = clientClock.map(clock -> clock.epochNanos() / 1000).orElse(-1L);
    StoreDeadline callDeadline = StoreDeadline.backendTimeout(timeout);
    TokenBucketScript.Call call = TokenBucketScript.encode(batches, now, this::keyOf);
    return runner.run(call.keys(), call.args())
        .handle((reply, failure) -> {
          if (failure != null) {
            throw RedisFailures.unavailable(failure, callDeadline);
          }
          return TokenBucketScript.decode(reply, batches);
        });
  }

  /** One read-only script call, outside the coalescing queues: it must never delay a decision. */
  @Override
  public CompletionStage<List<BucketLevel>> peek(BucketBatch batch) {
    if (batch.claims().isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    long now = clientClock.map(clock -> clock.epochNanos() / 1000).orElse(-1L);
    StoreDeadline deadline = StoreDeadline.backendTimeout(timeout);
    TokenBucketScript.Call call = TokenBucketScript.encodePeek(batch, now, this::keyOf);
    return runner.runReadOnly(call.keys(), call.args())
        .toCompletableFuture()
        .orTimeout(deadline.nanos(), TimeUnit.NANOSECONDS)
        .handle((reply, failure) -> {
          if (failure != null) {
            throw RedisFailures.unavailable(failure, deadline);
          }
          return TokenBucketScript.decode(reply, List.of(batch)).get(0).states().stream()
              .map(state -> new BucketLevel(state.remaining(), state.untilFull()))
              .toList();
        });
  }

  @Override
  public String describe() {
    return "redis " + runner.describe() + " (atomic script, coalesced)";
  }

  @Override
  public void close() {
    deadlines.shutdownNow();
    runner.close();
  }

  private String keyOf(BucketBatch batch, BucketClaim claim) {
    return BucketKey.inStore(keyPrefix, batch.shard(), claim.key());
  }
}
