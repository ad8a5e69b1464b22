package io.egressratelimit.server;

import io.egressratelimit.metrics.GrpcCallMetrics;
import io.egressratelimit.rls.RateLimitGrpcService;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Counts and times every gRPC call for the per-method stats, as envoyproxy/ratelimit's server does.
 * The replica's own warm-up calls are marked as rehearsals for the service, and counted apart,
 * where no operator reads them, by the same code.
 */
final class CallStatsInterceptor implements ServerInterceptor {
  private final GrpcCallMetrics metrics;
  private final Rehearsals rehearsals;
  private final GrpcCallMetrics rehearsalMetrics;

  CallStatsInterceptor(GrpcCallMetrics metrics, Rehearsals rehearsals, GrpcCallMetrics rehearsalMetrics) {
    this.metrics = metrics;
    this.rehearsals = rehearsals;
    this.rehearsalMetrics = rehearsalMetrics;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    long started = System.nanoTime();
    String method = call.getMethodDescriptor().getBareMethodName();
    boolean rateLimitCall = RateLimitServiceGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName());
    boolean rehearsal = rehearsals.isRehearsal(headers);
    GrpcCallMetrics counted = rehearsal ? rehearsalMetrics : metrics;
    ServerCall<Q, R> timed = new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        counted.onCall(method, System.nanoTime() - started, rateLimitCall && isServiceError(status.getCode()));
        super.close(status, trailers);
      }
    };
    if (!rehearsal) {
      return next.startCall(timed, headers);
    }
    metrics.prepare(method);
    return Contexts.interceptCall(Context.current().withValue(RateLimitGrpcService.REHEARSAL, true), timed, headers,
        next);
  }

  /** UNAVAILABLE is the store's failure, counted as a redis_error where it happens. */
  private static boolean isServiceError(Status.Code code) {
    return code == Status.Code.INVALID_ARGUMENT || code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN;
  }
}
