package io.egressratelimit.tracing;

import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * The server span of each RateLimitService call, a child of the caller's span when Envoy sends
 * {@code traceparent} or {@code b3} headers. The span is current while the handler runs, so the
 * store round trip, started on the same thread, becomes its child.
 */
final class ServerSpanInterceptor implements ServerInterceptor {
  static final AttributeKey<String> DECISION = AttributeKey.stringKey("ratelimit.decision");
  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<Long> GRPC_STATUS = AttributeKey.longKey("rpc.grpc.status_code");

  private final Tracer tracer;
  private final TextMapPropagator propagator;

  ServerSpanInterceptor(Tracer tracer, TextMapPropagator propagator) {
    this.tracer = tracer;
    this.propagator = propagator;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    var method = call.getMethodDescriptor();
    if (!RateLimitServiceGrpc.SERVICE_NAME.equals(method.getServiceName())) {
      return next.startCall(call, headers); // health checks and reflection are not worth a trace
    }
    Context parent = propagator.extract(Context.root(), headers, MetadataGetter.INSTANCE);
    Span span = tracer.spanBuilder(method.getFullMethodName())
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(RPC_SYSTEM, "grpc")
        .setAttribute(RPC_SERVICE, method.getServiceName())
        .setAttribute(RPC_METHOD, method.getBareMethodName())
        .startSpan();
    Context context = parent.with(span);
    ServerCall<Q, R> traced = new SimpleForwardingServerCall<>(call) {
      @Override
      public void sendMessage(R message) {
        if (message instanceof RateLimitResponse response) {
          span.setAttribute(DECISION, response.getOverallCode().name());
        }
        super.sendMessage(message);
      }

      @Override
      public void close(Status status, Metadata trailers) {
        span.setAttribute(GRPC_STATUS, (long) status.getCode().value());
        if (!status.isOk()) {
          span.setStatus(StatusCode.ERROR, status.getCode() + ": " + status.getDescription());
        }
        span.end();
        super.close(status, trailers);
      }
    };
    ServerCall.Listener<Q> listener;
    try (Scope ignored = context.makeCurrent()) {
      listener = next.startCall(traced, headers);
    }
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        if (message instanceof RateLimitRequest request) {
          span.setAttribute(TracedBucketStore.DOMAIN, request.getDomain());
        }
        try (Scope ignored = context.makeCurrent()) {
          super.onMessage(message);
        }
      }

      @Override
      public void onHalfClose() {
        try (Scope ignored = context.makeCurrent()) {
          super.onHalfClose();
        }
      }

      @Override
      public void onCancel() {
        try (Scope ignored = context.makeCurrent()) {
          super.onCancel();
        }
      }
    };
  }

  /** Reads propagation headers from gRPC metadata (ASCII headers only). */
  private enum MetadataGetter implements TextMapGetter<Metadata> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Metadata carrier) {
      return carrier.keys();
    }

    @Override
    public String get(Metadata carrier, String key) {
      if (carrier == null || key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        return null;
      }
      return carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
    }
  }
}
