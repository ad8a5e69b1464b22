package io.egressratelimit.rls;

import io.egressratelimit.limiter.InvalidRequestException;
import io.egressratelimit.limiter.RateLimitEngine;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.Completions;
import io.egressratelimit.limiter.store.StoreUnavailableException;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.util.internal.ThreadExecutorMap;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Envoy's RateLimitService over gRPC: translates, asks the engine, translates back. */
public final class RateLimitGrpcService extends RateLimitServiceGrpc.RateLimitServiceImplBase {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimitGrpcService.class);
  /**
   * Set on the calls the replica sends itself before SERVING (the server recognises them): they are
   * decided as warm-up rehearsals, which spend no real budget (see {@link RateLimitEngine#rehearse}).
   */
  public static final Context.Key<Boolean> REHEARSAL = Context.key("ratelimit-rehearsal");

  private final RateLimitEngine engine;
  private final Optional<RateLimitHeaders> headers;
  private final boolean responseDynamicMetadata;

  public RateLimitGrpcService(RateLimitEngine engine) {
    this(engine, Optional.empty());
  }

  /** @param headers the names of the budget headers to add to every answer; empty adds none */
  public RateLimitGrpcService(RateLimitEngine engine, Optional<RateLimitHeaders> headers) {
    this(engine, headers, false);
  }

  /**
   * @param headers the names of the budget headers to add to every answer; empty adds none
   * @param responseDynamicMetadata RESPONSE_DYNAMIC_METADATA: answer with envoyproxy/ratelimit's dynamic metadata
   */
  public RateLimitGrpcService(RateLimitEngine engine, Optional<RateLimitHeaders> headers,
      boolean responseDynamicMetadata) {
    this.engine = engine;
    this.headers = headers;
    this.responseDynamicMetadata = responseDynamicMetadata;
  }

  @Override
  public void shouldRateLimit(RateLimitRequest request, StreamObserver<RateLimitResponse> responses) {
    // Envoy sends its filter timeout as the call's deadline (grpc-timeout).
    Context context = Context.current();
    decide(request, callerWaitNanos(context.getDeadline()), callerThread(), Boolean.TRUE.equals(REHEARSAL.get(context)))
        .whenComplete((response, failure) -> {
      if (failure == null) {
        responses.onNext(response);
        responses.onCompleted();
      } else {
        responses.onError(statusOf(Completions.cause(failure)).asRuntimeException());
      }
    });
  }

  /**
   * The whole call without the transport, for the admin {@code /json} endpoint too. The stage
   * fails with {@link InvalidRequestException} for a malformed request and with
   * {@link StoreUnavailableException} when the store cannot answer and the policy says UNAVAILABLE.
   */
  public CompletionStage<RateLimitResponse> decide(RateLimitRequest request) {
    return decide(request, BucketBatch.NO_CALLER_DEADLINE, BucketBatch.ANY_THREAD, false);
  }

  /** A warm-up rehearsal of {@link #decide(RateLimitRequest)}, for a warm-up that cannot use the socket. */
  public CompletionStage<RateLimitResponse> rehearse(RateLimitRequest request) {
    return decide(request, BucketBatch.NO_CALLER_DEADLINE, BucketBatch.ANY_THREAD, true);
  }

  private CompletionStage<RateLimitResponse> decide(RateLimitRequest request, long callerWaitNanos,
      Executor callerThread, boolean rehearsal) {
    // An invalid request throws before it reaches the engine; the caller still sees one failed stage.
    return Completions.calling(() -> rehearsal
            ? engine.rehearse(RequestTranslator.toDomain(request), callerWaitNanos, callerThread)
            : engine.shouldRateLimit(RequestTranslator.toDomain(request), callerWaitNanos, callerThread))
        .thenApply(decision -> ResponseTranslator.toProto(request, decision, headers, responseDynamicMetadata));
  }

  private static long callerWaitNanos(Deadline deadline) {
    return deadline == null ? BucketBatch.NO_CALLER_DEADLINE : deadline.timeRemaining(TimeUnit.NANOSECONDS);
  }

  /**
   * The event loop this call arrived on (the server runs calls on it directly). The answer is
   * written there in any case, so building it there too costs no extra hand-off, and a store that
   * answers from its own thread hands a whole round trip's answers to each loop in one task.
   */
  private static Executor callerThread() {
    Executor loop = ThreadExecutorMap.currentExecutor();
    return loop != null ? loop : BucketBatch.ANY_THREAD;
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
}
