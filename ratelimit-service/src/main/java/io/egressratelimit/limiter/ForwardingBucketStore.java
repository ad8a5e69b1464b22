package io.egressratelimit.limiter;

/** A store that wraps another to add one behaviour; it describes and closes what it wraps. */
public abstract class ForwardingBucketStore implements BucketStore {
  protected final BucketStore delegate;

  protected ForwardingBucketStore(BucketStore delegate) {
    this.delegate = delegate;
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
