package io.egressratelimit.grpc;

import io.egressratelimit.limiter.InvalidRequestException;
import io.egressratelimit.limiter.RateLimitEngine;
import io.egressratelimit.limiter.StoreUnavailableException;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Envoy's RateLimitService over gRPC: translates, asks the engine, translates back. */
public final class RateLimitGrpcService extends RateLimitServiceGrpc.RateLimitServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimitGrpcService.class);

  private final RateLimitEngine engine;

  public RateLimitGrpcService(RateLimitEngine engine) {
    this.engine = engine;
  }

  @Override
  public void shouldRateLimit(RateLimitRequest request, StreamObserver<RateLimitResponse> responses) {
    try {
      engine.shouldRateLimit(RequestTranslator.toDomain(request)).whenComplete((decision, failure) -> {
        if (failure == null) {
          responses.onNext(ResponseTranslator.toProto(decision));
          responses.onCompleted();
        } else {
          responses.onError(statusOf(unwrap(failure)).asRuntimeException());
        }
      });
    } catch (RuntimeException e) {
      responses.onError(statusOf(e).asRuntimeException());
    }
  }

  private static Status statusOf(Throwable failure) {
    if (failure instanceof InvalidRequestException) {
      return Status.INVALID_ARGUMENT.withDescription(failure.getMessage());
    }
    if (failure instanceof StoreUnavailableException) {
      // UNAVAILABLE on purpose: Envoy's failure_mode_deny then decides, as the operator configured.
      return Status.UNAVAILABLE.withDescription(failure.getMessage());
    }
    LOG.error("unexpected failure deciding a rate limit request", failure);
    return Status.INTERNAL.withDescription("internal error; see the service log");
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }
}
