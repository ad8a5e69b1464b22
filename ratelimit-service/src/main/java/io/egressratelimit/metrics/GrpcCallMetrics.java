package io.egressratelimit.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * envoyproxy/ratelimit's per-method gRPC stats: calls received and their response time, measured
 * from the call's arrival to its close, whatever the outcome.
 */
public final class GrpcCallMetrics {
  private final MeterRegistry registry;
  private final UpstreamStats upstream;
  private final Map<String, Timer> responseTimes = new ConcurrentHashMap<>();

  public GrpcCallMetrics(MeterRegistry registry, UpstreamStats upstream) {
    this.registry = registry;
    this.upstream = upstream;
  }

  /**
   * @param method the bare method name, e.g. {@code ShouldRateLimit}
   * @param serviceError the call failed for a reason other than the store (an invalid request, a bug)
   */
  public void onCall(String method, long elapsedNanos, boolean serviceError) {
    upstream.call(method, elapsedNanos);
    if (serviceError) {
      upstream.serviceError();
    }
    timerOf(method).record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  /** Registers the method's meters at zero, so its first call finds them made. */
  public void prepare(String method) {
    upstream.prepareCall(method);
    timerOf(method);
  }

  private Timer timerOf(String method) {
    Timer timer = responseTimes.get(method);
    if (timer == null) {
      timer = responseTimes.computeIfAbsent(method, m -> Timer.builder("ratelimit.service.response.time")
          .description("gRPC call time, from arrival to the answer, by method (envoyproxy/ratelimit's "
              + "ratelimit_server.<method>.response_time)")
          .tag("grpc_method", m)
          .serviceLevelObjectives(LatencyBuckets.ALL)
          .register(registry));
    }
    return timer;
  }
}
