package io.egressratelimit.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.function.BooleanSupplier;

/**
 * Answers rate limit calls with UNAVAILABLE until the first limits config from the xDS server is
 * in force. Answering from no config at all would admit everything; UNAVAILABLE hands the choice
 * to Envoy's failure_mode_deny, as a service that is not up yet would. Health checks pass through.
 */
final class FirstConfigGate implements ServerInterceptor {
  private final String service;
  private final BooleanSupplier open;
  private final String reason;

  FirstConfigGate(String service, BooleanSupplier open, String reason) {
    this.service = service;
    this.open = open;
    this.reason = reason;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    if (!open.getAsBoolean() && service.equals(call.getMethodDescriptor().getServiceName())) {
      call.close(Status.UNAVAILABLE.withDescription(reason), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
