package io.egressratelimit.metrics;

import io.egressratelimit.limiter.WarmupTraffic;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.ForwardingBucketStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Times every call to the real backend and counts its failures; it sits right around the Redis or in-memory store. */
public final class TimedBucketStore extends ForwardingBucketStore {
  private final Timer latency;
  private final Counter errors;
  private final Timer rehearsalLatency;
  private final Counter rehearsalErrors;

  /**
   * @param rehearsalRegistry where the warm-up's rehearsals are timed (see {@link WarmupTraffic}):
   *     by the same code, in meters nobody reads
   */
  public TimedBucketStore(BucketStore delegate, MeterRegistry registry, MeterRegistry rehearsalRegistry) {
    super(delegate);
    this.latency = latency(registry);
    this.errors = errors(registry);
    this.rehearsalLatency = latency(rehearsalRegistry);
    this.rehearsalErrors = errors(rehearsalRegistry);
  }

  private static Timer latency(MeterRegistry registry) {
    return Timer.builder("ratelimit.backend")
        .description("Time for one call to the bucket store (one batch; with Redis, one script round trip "
            + "shared by coalesced requests)")
        .serviceLevelObjectives(LatencyBuckets.ALL)
        .register(registry);
  }

  private static Counter errors(MeterRegistry registry) {
    return Meters.counter(registry, "ratelimit.backend.errors", "Calls to the bucket store that failed or timed out",
        Tags.empty());
  }

  @Override
  public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
    boolean rehearsal = WarmupTraffic.isRehearsal(batch);
    Timer timer = rehearsal ? rehearsalLatency : latency;
    Counter failures = rehearsal ? rehearsalErrors : errors;
    long started = System.nanoTime();
    return forward(batch).whenComplete((outcome, failure) -> {
      timer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      if (failure != null) {
        failures.increment();
      }
    });
  }
}
