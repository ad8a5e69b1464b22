package io.egressratelimit.server;

import io.egressratelimit.limiter.WarmupTraffic;
import io.egressratelimit.metrics.GrpcCallMetrics;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/** Counts and times every gRPC call for the per-method stats, as envoyproxy/ratelimit's server does. */
final class CallStatsInterceptor implements ServerInterceptor {
  private static final Metadata.Key<String> WARMUP =
      Metadata.Key.of(WarmupTraffic.HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private final GrpcCallMetrics metrics;

  CallStatsInterceptor(GrpcCallMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (headers.containsKey(WARMUP)) {
      return next.startCall(call, headers); // the replica warming itself up: not a caller's call
    }
    long started = System.nanoTime();
    String method = call.getMethodDescriptor().getBareMethodName();
    boolean rateLimitCall = RateLimitServiceGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName());
    return next.startCall(new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        metrics.onCall(method, System.nanoTime() - started, rateLimitCall && isServiceError(status.getCode()));
        super.close(status, trailers);
      }
    }, headers);
  }

  /** UNAVAILABLE is the store's failure, counted as a redis_error where it happens. */
  private static boolean isServiceError(Status.Code code) {
    return code == Status.Code.INVALID_ARGUMENT || code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN;
  }
}
