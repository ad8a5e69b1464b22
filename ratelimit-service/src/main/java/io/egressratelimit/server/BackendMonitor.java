package io.egressratelimit.server;

import io.egressratelimit.limiter.CircuitBreakingStore;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Runs every second: keeps the RateLimitService's gRPC health in step with {@link ServingState},
 * and probes the store through the circuit breaker when no call did in the last second, or while
 * the breaker is not closed. Without requests nothing else would: an idle replica whose Redis
 * stopped accepting it (a changed password, a dropped ACL user) would stay SERVING until traffic
 * arrived to fail, and a replica out of rotation, getting no requests, would never try Redis again
 * and stay out for good. A replica with traffic is not probed: its calls tell already, and a probe
 * must not share their round trips. A probe costs Redis one script call a second. The overall health ({@code ""}) is left alone: it answers liveness probes, and
 * restarting a replica because Redis is down would only add churn.
 */
final class BackendMonitor implements Runnable {
  /** A check of one token that consumes nothing, on a key of its own. */
  private static final BucketBatch PROBE = new BucketBatch(List.of(new BucketClaim("_probe",
      new BucketSpec(1, 1, Duration.ofSeconds(1), BucketSpec.RefillStyle.GREEDY, 1), 1, 0, true)), "_probe");

  private final ServingState state;
  private final Optional<CircuitBreakingStore> breaker;
  private final HealthStatusManager health;
  private final String serviceName;
  /** The breaker's call count at the last run (the warm-up's end runs it once too: a race there only adds a probe). */
  private volatile long callsSeen = -1;

  BackendMonitor(ServingState state, Optional<CircuitBreakingStore> breaker, HealthStatusManager health,
      String serviceName) {
    this.state = state;
    this.breaker = breaker;
    this.health = health;
    this.serviceName = serviceName;
  }

  @Override
  public void run() {
    breaker.ifPresent(b -> {
      boolean idle = b.calls() == callsSeen;
      if (idle || b.state() != CircuitBreakingStore.State.CLOSED) {
        b.consume(PROBE);
      }
      callsSeen = b.calls();
    });
    ServingStatus status = state.problem().isEmpty() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus(serviceName, status);
  }
}
