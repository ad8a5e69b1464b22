package io.egressratelimit.redis;

import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketLevel;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.Completions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets in Redis, decided by one atomic script per round trip. Requests queued behind a
 * call in flight are coalesced into the next call, per cluster slot.
 *
 * <p>A request whose buckets share a slot is decided by one script, all or nothing. On a Cluster,
 * where every bucket has a slot of its own ({@link KeyLayout}), a request's buckets may span
 * several: each slot's part is then decided by its own script, queued and coalesced with that
 * slot's other requests, one part after another ({@link SlotBySlot}); when one denies, the parts
 * before it give back what they took ({@code give-back.lua}). That can deny more than needed for a
 * moment, never admit more than the budget (docs/redis.md has the proof).
 */
public final class LuaBucketStore implements BucketStore {
  private final ScriptRunner runner;
  private final KeyLayout layout;
  private final Optional<NanoClock> clientClock;
  private final Duration timeout;
  private final Duration deadlineMargin;
  private final int maxInFlight;
  private final Map<Integer, CoalescingQueue> queues = new ConcurrentHashMap<>();
  /** Where every slot's queue sends its groups. */
  private final ScriptCallLine scripts;

  /**
   * @param clientClock the time to decide at; empty (the default) uses the Redis server's clock so
   *     replicas with different local clocks share one time line
   * @param timeout how long a request may wait, queued and on the wire, before it fails as unavailable
   * @param deadlineMargin kept back from a caller's deadline, which shortens the wait below the timeout
   * @param maxInFlight script calls in flight per slot; more means smaller batches and less waiting
   */
  LuaBucketStore(ScriptRunner runner, KeyLayout layout, Optional<NanoClock> clientClock, Duration timeout,
      Duration deadlineMargin, int maxInFlight) {
    this.runner = runner;
    this.layout = layout;
    this.clientClock = clientClock;
    this.timeout = timeout;
    this.deadlineMargin = deadlineMargin;
    this.maxInFlight = maxInFlight;
    this.scripts = new ScriptCallLine(runner, timeout, this::nowMicros);
  }

  @Override
  public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
    return StoreDeadline.decideWithin(batch, timeout, deadlineMargin, this::decide);
  }

  private CompletionStage<BatchOutcome> decide(BucketBatch batch, StoreDeadline deadline) {
    long arrived = System.nanoTime();
    SlotPlan plan = SlotPlan.of(batch, layout, runner::slotOf);
    if (plan.singlePart()) {
      SlotPlan.Part part = plan.parts().get(0);
      // The deadline runs from here, not from when the request goes on the wire: behind a call that
      // hangs, a queued request would otherwise wait for that call's timeout and then its own.
      return queueOf(part.slot()).submit(part.batch(), deadline);
    }
    return new SlotBySlot(plan, slots, deadline, arrived).decide();
  }

  /** Parts of requests over several slots are queued with their slot's other requests. */
  private final SlotBySlot.Slots slots = new SlotBySlot.Slots() {
    @Override
    public CompletableFuture<BatchOutcome> decide(SlotPlan.Part part, StoreDeadline deadline, Hold hold) {
      return queueOf(part.slot()).submit(part.batch(), deadline, hold);
    }

    @Override
    public CompletableFuture<?> giveBack(Hold hold, List<BucketClaim> taken) {
      TokenBucketScript.Call call = GiveBackScript.encode(hold, taken, nowMicros());
      return Completions.calling(() -> runner.run(GiveBackScript.LUA, call.keys(), call.args())).toCompletableFuture();
    }
  };

  private CoalescingQueue queueOf(int slot) {
    CoalescingQueue queue = queues.get(slot);
    return queue != null ? queue
        : queues.computeIfAbsent(slot, s -> new CoalescingQueue(maxInFlight, 1000, timeout.toNanos(), scripts));
  }

  /** Read-only script calls, one per slot, outside the coalescing queues: they must never delay a decision. */
  @Override
  public CompletionStage<List<BucketLevel>> peek(BucketBatch batch) {
    if (batch.claims().isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    SlotPlan plan = SlotPlan.of(batch, layout, runner::slotOf);
    List<CompletableFuture<List<BucketLevel>>> reads = new ArrayList<>();
    for (SlotPlan.Part part : plan.parts()) {
      reads.add(peekOneSlot(part.batch()));
    }
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
        .thenApply(done -> plan.combineLevels(reads.stream().map(CompletableFuture::join).toList()));
  }

  private CompletableFuture<List<BucketLevel>> peekOneSlot(BucketBatch part) {
    StoreDeadline deadline = StoreDeadline.backendTimeout(timeout);
    TokenBucketScript.Call call = TokenBucketScript.encodePeek(part, nowMicros(), ScriptCallLine::redisKey);
    return runner.runReadOnly(call.keys(), call.args())
        .toCompletableFuture()
        .orTimeout(deadline.nanos(), TimeUnit.NANOSECONDS)
        .handle((reply, failure) -> {
          if (failure != null) {
            throw RedisFailures.unavailable(failure, deadline);
          }
          return TokenBucketScript.decode(reply, List.of(part)).get(0).states().stream()
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
    scripts.close();
    runner.close();
  }

  /** The time to decide at, or -1 for the Redis server's clock. */
  private long nowMicros() {
    return clientClock.map(clock -> clock.epochNanos() / 1000).orElse(-1L);
  }
}
