package io.egressratelimit.limiter.store;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** A store that wraps another to add one behaviour; it describes and closes what it wraps. */
public abstract class ForwardingBucketStore implements BucketStore {
  protected final BucketStore delegate;

  protected ForwardingBucketStore(BucketStore delegate) {
    this.delegate = delegate;
  }

  /** Calls the wrapped store; a store that throws instead of failing its stage still fails the stage. */
  protected final CompletionStage<BatchOutcome> forward(BucketBatch batch) {
    return Completions.calling(() -> delegate.consume(batch));
  }

  /** Reading is never decorated: it costs no budget, counts no failure and trips no breaker. */
  @Override
  public CompletionStage<List<BucketLevel>> peek(BucketBatch batch) {
    return Completions.calling(() -> delegate.peek(batch));
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
