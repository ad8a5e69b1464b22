package io.egressratelimit.redis.cas;

import io.egressratelimit.bucket4j.Bucket4jShapes;
import io.egressratelimit.domain.BucketKey;
import io.egressratelimit.redis.RedisFailures;
import io.egressratelimit.redis.StoreDeadline;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketStore;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets in Redis kept by bucket4j's compare-and-swap: each change to a bucket is a GET and
 * a conditional-write script, retried when another writer got there first. Requests on one key
 * inside this process share a round trip through bucket4j's batching. bucket4j changes one bucket
 * at a time, so a request over several buckets is made all or nothing by {@link RefundingBatch}.
 */
final class Bucket4jCasStore implements BucketStore {
  /** Proxies hold the batching state; beyond this many keys they are dropped and rebuilt on use. */
  private static final int MAX_CACHED_PROXIES = 100_000;

  private final AsyncProxyManager<String> proxyManager;
  private final String keyPrefix;
  private final TimeMeter clock;
  private final Duration timeout;
  private final Duration deadlineMargin;
  private final String description;
  private final AutoCloseable resources;
  private final Map<String, AsyncBucketProxy> proxies = new ConcurrentHashMap<>();

  Bucket4jCasStore(AsyncProxyManager<String> proxyManager, String keyPrefix, TimeMeter clock, Duration timeout,
      Duration deadlineMargin, String description, AutoCloseable resources) {
    this.proxyManager = proxyManager;
    // bucket4j keeps its own state format: its keys must never meet the script's, e.g. while a
    // fleet moves from one strategy to the other.
    this.keyPrefix = keyPrefix + "b4j:";
    this.clock = clock;
    this.timeout = timeout;
    this.deadlineMargin = deadlineMargin;
    this.description = description;
    this.resources = resources;
  }

  @Override
  public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
    return StoreDeadline.decideWithin(batch, timeout, deadlineMargin, this::decide);
  }

  private CompletionStage<BatchOutcome> decide(BucketBatch batch, StoreDeadline deadline) {
    List<AsyncBucketProxy> buckets = new ArrayList<>(batch.claims().size());
    for (BucketClaim claim : batch.claims()) {
      buckets.add(proxy(BucketKey.inStore(keyPrefix, batch.domain(), claim.key()), claim));
    }
    CompletableFuture<BatchOutcome> decided;
    try {
      decided = new RefundingBatch(batch.claims(), buckets, clock).run();
    } catch (RuntimeException e) {
      decided = CompletableFuture.failedFuture(e);
    }
    return decided.orTimeout(deadline.nanos(), TimeUnit.NANOSECONDS).handle((outcome, failure) -> {
      if (failure != null) {
        throw RedisFailures.unavailable(failure, deadline);
      }
      return outcome;
    });
  }

  private AsyncBucketProxy proxy(String key, BucketClaim claim) {
    AsyncBucketProxy cached = proxies.get(key);
    if (cached != null) {
      return cached;
    }
    if (proxies.size() >= MAX_CACHED_PROXIES) {
      proxies.clear();
    }
    return proxies.computeIfAbsent(key, k -> {
      var configuration = CompletableFuture.completedFuture(Bucket4jShapes.configuration(claim.spec()));
      return proxyManager.builder().withOptimization(Optimizations.batching()).build(k, () -> configuration);
    });
  }


  @Override
  public String describe() {
    return "redis " + description + " (bucket4j compare-and-swap, batched per key)";
  }

  @Override
  public void close() {
    try {
      resources.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing the Redis connection failed", e);
    }
  }
}
