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
    // The filter holds the request exactly this long: the share of the latency the limiter adds.
    long decided = System.nanoTime() - start;
    return switch (decision.verdict()) {
      case OK -> admit(latLng, start, decided);
      case OVER_LIMIT -> new CallResult(Outcome.REJECTED, decided, decision.resetHint(), false)
          .withParts(decided, CallResult.NOT_MEASURED);
      case FAILED -> failureModeDeny
          ? CallResult.of(Outcome.FAILED, decided).withRlsFailed().withParts(decided, CallResult.NOT_MEASURED)
          : admit(latLng, start, decided).withRlsFailed();
    };
  }

  private CallResult admit(LatLng latLng, long start, long decided) {
    if (upstream.isEmpty()) {
      return CallResult.of(Outcome.ADMITTED, System.nanoTime() - start).withParts(decided, CallResult.NOT_MEASURED);
    }
    CallResult upstreamAnswer = upstream.get().call(latLng);
    return upstreamAnswer.withLatency(System.nanoTime() - start).withParts(decided, upstreamAnswer.latencyNanos());
  }

  @Override
  public void close() {
    rls.close();
  }
}
