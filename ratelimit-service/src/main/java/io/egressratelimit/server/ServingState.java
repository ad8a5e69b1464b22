package io.egressratelimit.server;

import io.egressratelimit.limiter.CircuitBreakingStore;
import io.egressratelimit.limiter.FailurePolicies;
import io.egressratelimit.limiter.FailurePolicy;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Whether this replica should get traffic, for {@code /healthcheck} and the RateLimitService's gRPC
 * health (what readiness probes ask; the process's own health only fails while draining). It
 * should not before it is ready (its store connected and its decision path warmed up), nor while
 * draining, nor before the first config from an xDS server has arrived, nor while the bucket store
 * is down if the failure policy is to answer UNAVAILABLE: then it cannot answer at all, and a
 * replica that still reaches Redis should get the traffic. With deny or allow it still gives the
 * answer the operator chose, so it stays in.
 */
final class ServingState {
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Optional<CircuitBreakingStore> breaker;
  private final boolean outWhenBackendDown;
  private final Supplier<Optional<String>> config;
  private volatile String notReadyYet;

  /**
   * @param config why the config does not allow serving yet (no first xDS config), or empty
   * @param notReadyYet why the replica is not ready at first (waiting for its store, warming up)
   */
  ServingState(Optional<CircuitBreakingStore> breaker, FailurePolicies policies, Supplier<Optional<String>> config,
      String notReadyYet) {
    this.breaker = breaker;
    this.outWhenBackendDown = policies.fallback() == FailurePolicy.UNAVAILABLE;
    this.config = config;
    this.notReadyYet = notReadyYet;
  }

  void startDraining() {
    draining.set(true);
  }

  boolean draining() {
    return draining.get();
  }

  /** Why the replica is not ready yet (waiting for Redis, warming up). */
  void notReadyBecause(String reason) {
    notReadyYet = reason;
  }

  void ready() {
    notReadyYet = null;
  }

  /** Why this replica should get no traffic, or empty when it should. */
  Optional<String> problem() {
    if (draining.get()) {
      return Optional.of("draining");
    }
    Optional<String> noConfig = config.get();
    if (noConfig.isPresent()) {
      return noConfig;
    }
    String starting = notReadyYet;
    if (starting != null) {
      return Optional.of(starting);
    }
    if (outWhenBackendDown && breaker.map(b -> b.state() != CircuitBreakingStore.State.CLOSED).orElse(false)) {
      return Optional.of("the bucket store is unavailable and the failure policy is unavailable");
    }
    return Optional.empty();
  }
}
