package io.egressratelimit.loadgen.rls;

import io.egressratelimit.loadgen.traffic.CallResult;
import io.egressratelimit.loadgen.traffic.Caller;
import io.egressratelimit.loadgen.traffic.LatLng;
import io.egressratelimit.loadgen.traffic.Outcome;
import java.util.Objects;
import java.util.Optional;

/**
 * Plays Envoy's ratelimit filter in front of the upstream: ask the service, then call the upstream
 * only when allowed.
 *
 * <p>A failed or timed-out service call admits the request (fail open, Envoy's default) unless
 * {@code failureModeDeny}, which is what an egress budget wants: a call that cannot be counted is
 * not made.
 */
public final class RlsCaller implements Caller {
  private final RlsClient rls;
  private final Optional<Caller> upstream;
  private final boolean failureModeDeny;

  /**
   * @param upstream where admitted calls go; without one, an OK from the service counts as admitted
   */
  public RlsCaller(RlsClient rls, Optional<Caller> upstream, boolean failureModeDeny) {
    this.rls = Objects.requireNonNull(rls, "rls");
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.failureModeDeny = failureModeDeny;
  }

  @Override
  public CallResult call(LatLng latLng) {
    long start = System.nanoTime();
    RlsDecision decision = rls.decide();
    return switch (decision.verdict()) {
      case OK -> admit(latLng, start);
      case OVER_LIMIT -> new CallResult(Outcome.REJECTED, System.nanoTime() - start, decision.resetHint(), false);
      case FAILED -> failureModeDeny
          ? CallResult.of(Outcome.FAILED, System.nanoTime() - start).withRlsFailed()
          : admit(latLng, start).withRlsFailed();
    };
  }

  private CallResult admit(LatLng latLng, long start) {
    if (upstream.isEmpty()) {
      return CallResult.of(Outcome.ADMITTED, System.nanoTime() - start);
    }
    return upstream.get().call(latLng).withLatency(System.nanoTime() - start);
  }

  @Override
  public void close() {
    rls.close();
  }
}
