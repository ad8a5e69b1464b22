package io.egressratelimit.redis;

import io.egressratelimit.limiter.BatchOutcome;
import io.egressratelimit.limiter.BucketBatch;
import io.egressratelimit.limiter.BucketClaim;
import io.egressratelimit.limiter.BucketStore;
import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.StoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Token buckets in Redis, decided by one atomic script per round trip. Requests queued behind a
 * call in flight are coalesced into the next call, per cluster slot.
 *
 * <p>Keys are {@code prefix + "{" + domain + "}" + bucket}: the hash tag keeps a request's buckets in
 * one slot, which the script's atomic all-or-nothing needs on a Redis Cluster.
 */
public final class LuaBucketStore implements BucketStore {
  private final ScriptRunner runner;
  private final String keyPrefix;
  private final Optional<NanoClock> clientClock;
  private final Duration timeout;
  private final int maxInFlight;
  private final Map<Integer, CoalescingQueue> queues = new ConcurrentHashMap<>();

  /**
   * @param clientClock the time to decide at; empty (the default) uses the Redis server's clock so
   *     replicas with different local clocks share one time line
   * @param timeout how long one round trip may take before the request fails as unavailable
   * @param maxInFlight script calls in flight per slot; more means smaller batches and less waiting
   */
  LuaBucketStore(ScriptRunner runner, String keyPrefix, Optional<NanoClock> clientClock, Duration timeout,
      int maxInFlight) {
    this.runner = runner;
    this.keyPrefix = keyPrefix;
    this.clientClock = clientClock;
    this.timeout = timeout;
    this.maxInFlight = maxInFlight;
  }

  @Override
  public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
    if (batch.claims().isEmpty()) {
      return CompletableFuture.completedFuture(new BatchOutcome(true, List.of()));
    }
    int slot = runner.slotOf(redisKey(batch, batch.claims().get(0)));
    return queues.computeIfAbsent(slot, s -> new CoalescingQueue(maxInFlight, 1000, this::send)).submit(batch);
  }

  private CompletionStage<List<BatchOutcome>> send(List<BucketBatch> batches) {
    long now = clientClock.map(clock -> clock.epochNanos() / 1000).orElse(-1L);
    TokenBucketScript.Call call = TokenBucketScript.encode(batches, now, this::redisKey);
    return runner.run(call.keys(), call.args())
        .toCompletableFuture()
        .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .handle((reply, failure) -> {
          if (failure != null) {
            throw unavailable(failure);
          }
          return TokenBucketScript.decode(reply, batches);
        });
  }

  private StoreUnavailableException unavailable(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof TimeoutException) {
      return new StoreUnavailableException("redis did not answer within " + timeout.toMillis() + " ms");
    }
    return new StoreUnavailableException("redis: " + cause.getMessage(), cause);
  }

  String redisKey(BucketBatch batch, BucketClaim claim) {
    String tag = batch.shard().replace("{", "(").replace("}", ")");
    return keyPrefix + "{" + tag + "}" + claim.key();
  }

  @Override
  public String describe() {
    return "redis " + runner.describe() + " (atomic script, coalesced)";
  }

  @Override
  public void close() {
    runner.close();
  }
}
