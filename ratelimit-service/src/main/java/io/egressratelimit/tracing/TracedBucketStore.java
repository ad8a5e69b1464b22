package io.egressratelimit.tracing;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.ForwardingBucketStore;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.concurrent.CompletionStage;

/**
 * The store round trip as a child of the call's span. A call that is not traced (the admin
 * {@code /json}, or a trace the sampler dropped) costs one check and no span.
 */
final class TracedBucketStore extends ForwardingBucketStore {
  static final AttributeKey<String> DOMAIN = AttributeKey.stringKey("ratelimit.domain");
  static final AttributeKey<String> STORE = AttributeKey.stringKey("ratelimit.store");
  static final AttributeKey<Long> BATCH_SIZE = AttributeKey.longKey("ratelimit.batch.size");

  private final Tracer tracer;
  private final String store;

  TracedBucketStore(BucketStore delegate, Tracer tracer) {
    super(delegate);
    this.tracer = tracer;
    this.store = delegate.describe();
  }

  @Override
  public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
    if (!Span.current().isRecording()) {
      return forward(batch);
    }
    Span span = tracer.spanBuilder("ratelimit.store.consume")
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(DOMAIN, batch.domain())
        .setAttribute(STORE, store)
        .setAttribute(BATCH_SIZE, (long) batch.claims().size())
        .startSpan();
    CompletionStage<BatchOutcome> outcome;
    try {
      outcome = forward(batch);
    } catch (RuntimeException e) {
      span.recordException(e).setStatus(StatusCode.ERROR).end();
      throw e;
    }
    return outcome.whenComplete((done, failure) -> {
      if (failure != null) {
        span.recordException(failure).setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
      }
      span.end();
    });
  }
}
