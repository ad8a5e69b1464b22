package io.egressratelimit.rlqs;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.SocketAddress;

/**
 * The address of the Envoy at the other end of a stream, as the transport sees it (in Kubernetes,
 * the Envoy pod's IP), handed to the stream through the call's context. Envoy's gRPC client sends
 * nothing else that tells one Envoy from another.
 */
final class EnvoyAddress implements ServerInterceptor {
  static final Context.Key<String> KEY = Context.key("rlqs-envoy-address");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String address = remote == null ? "unknown" : remote.toString().replaceFirst("^[^/]*/", "");
    return Contexts.interceptCall(Context.current().withValue(KEY, address), call, headers, next);
  }

  static String current() {
    String address = KEY.get();
    return address == null ? "unknown" : address;
  }
}
