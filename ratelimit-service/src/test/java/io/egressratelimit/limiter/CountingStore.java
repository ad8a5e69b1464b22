package io.egressratelimit.limiter;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketStore;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a store and counts the calls that reach it. */
final class CountingStore implements BucketStore {
  private final BucketStore delegate;
  final AtomicInteger calls = new AtomicInteger();

  CountingStore(BucketStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
    calls.incrementAndGet();
    return delegate.consume(batch);
  }

  @Override
  public String describe() {
    return "counting " + delegate.describe();
  }
}
