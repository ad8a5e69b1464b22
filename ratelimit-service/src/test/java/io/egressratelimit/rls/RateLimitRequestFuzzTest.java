package io.egressratelimit.rls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.egressratelimit.testing.FuzzedService;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Any RateLimitRequest bytes, through the gRPC service (translator, engine, in-memory store):
 * the answer is a decision or INVALID_ARGUMENT, never another status and never an exception.
 * Bytes that are not a RateLimitRequest never reach the service: the request parser marks them,
 * and the call is answered INVALID_ARGUMENT with a one-line reason before it. Without JAZZER_FUZZ this replays the corpus in {@code RateLimitRequestFuzzTestInputs/}.
 */
class RateLimitRequestFuzzTest {
  private static final RateLimitGrpcService AS_CONFIGURED = FuzzedService.create(false);
  private static final RateLimitGrpcService QUOTA_MODE = FuzzedService.create(true);
  @SuppressWarnings("unchecked")
  private static final MethodDescriptor<RateLimitRequest, ?> LENIENT = (MethodDescriptor<RateLimitRequest, ?>)
      MalformedRequests.parsedLeniently(AS_CONFIGURED.bindService())
          .getMethod(RateLimitServiceGrpc.getShouldRateLimitMethod().getFullMethodName()).getMethodDescriptor();

  @FuzzTest
  void decidesOrRefusesAsInvalid(byte[] bytes) throws Exception {
    RateLimitRequest request;
    try {
      request = RateLimitRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      String problem = MalformedRequests.problem(LENIENT.parseRequest(new ByteArrayInputStream(bytes)))
          .orElseThrow(() -> new AssertionError("unreadable bytes were not marked: " + e.getMessage()));
      assertFalse(problem.isBlank() || problem.contains("\n"), "one line: " + problem);
      return;
    }
    answer(AS_CONFIGURED, request);
    answer(QUOTA_MODE, request);
  }

  private static void answer(RateLimitGrpcService service, RateLimitRequest request) throws Exception {
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    service.shouldRateLimit(request, new StreamObserver<>() {
      private RateLimitResponse response;

      @Override
      public void onNext(RateLimitResponse value) {
        response = value;
      }

      @Override
      public void onError(Throwable t) {
        outcome.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        outcome.complete(response);
      }
    });
    Object answer = outcome.get(10, TimeUnit.SECONDS);
    if (answer instanceof Status status) {
      assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), String.valueOf(status));
      assertNotNull(status.getDescription(), "a reason for the caller");
      return;
    }
    RateLimitResponse response = (RateLimitResponse) answer;
    assertNotNull(response, "completed without a response");
    assertEquals(request.getDescriptorsCount(), response.getStatusesCount());
    RateLimitResponse.parseFrom(response.toByteArray());
  }
}
