package io.egressratelimit.rls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.server.RateLimitServer;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.RlsTestClient;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The service over a real socket, as Envoy talks to it. */
class RateLimitGrpcServiceIT {
  private static RateLimitServer server;
  private static ManagedChannel channel;
  private static RateLimitServiceGrpc.RateLimitServiceBlockingStub rateLimit;

  @BeforeAll
  static void start() throws Exception {
    Path config = Path.of(RateLimitGrpcServiceIT.class.getResource("/server/geocode.yaml").toURI());
    server = RateLimitServer.start(ServerSettings.inMemory(config, 0, 0));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    rateLimit = RateLimitServiceGrpc.newBlockingStub(channel);
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  private static RateLimitDescriptor descriptor(String... keyValues) {
    return RlsTestClient.descriptor(keyValues);
  }

  private static RateLimitResponse ask(String domain, RateLimitDescriptor... descriptors) {
    return rateLimit.withDeadlineAfter(5, TimeUnit.SECONDS).shouldRateLimit(RlsTestClient.request(domain, descriptors));
  }

  @Test
  void theBudgetGoesFromOkToOverLimitWithFullStatuses() {
    RateLimitDescriptor perCaller = descriptor("generic_key", "geocode", "caller", "billing");
    RateLimitResponse first = ask("geocode", perCaller);
    assertEquals(RateLimitResponse.Code.OK, first.getOverallCode());
    RateLimitResponse.DescriptorStatus status = first.getStatuses(0);
    assertEquals(2, status.getCurrentLimit().getRequestsPerUnit());
    assertEquals(RateLimitResponse.RateLimit.Unit.MINUTE, status.getCurrentLimit().getUnit());
    assertEquals(1, status.getLimitRemaining());
    assertTrue(status.getDurationUntilReset().getSeconds() <= 60);

    ask("geocode", perCaller);
    RateLimitResponse over = ask("geocode", perCaller);
    assertEquals(RateLimitResponse.Code.OVER_LIMIT, over.getOverallCode());
    assertEquals(RateLimitResponse.Code.OVER_LIMIT, over.getStatuses(0).getCode());
    assertEquals(0, over.getStatuses(0).getLimitRemaining());
    assertTrue(over.getStatuses(0).hasDurationUntilReset(), "a Retry-After for the client");
  }

  @Test
  void unknownDomainsAndUnmatchedDescriptorsAreOk() {
    assertEquals(RateLimitResponse.Code.OK, ask("nobody", descriptor("generic_key", "geocode")).getOverallCode());
    RateLimitResponse unmatched = ask("geocode", descriptor("generic_key", "other"));
    assertEquals(RateLimitResponse.Code.OK, unmatched.getOverallCode());
    assertTrue(!unmatched.getStatuses(0).hasCurrentLimit());
  }

  @Test
  void badRequestsGetInvalidArgumentWithAReason() {
    StatusRuntimeException noDomain = assertThrows(StatusRuntimeException.class,
        () -> ask("", descriptor("generic_key", "geocode")));
    assertEquals(Status.Code.INVALID_ARGUMENT, noDomain.getStatus().getCode());
    assertEquals("domain must not be empty", noDomain.getStatus().getDescription());

    StatusRuntimeException noDescriptors = assertThrows(StatusRuntimeException.class, () -> ask("geocode"));
    assertEquals("descriptors must not be empty", noDescriptors.getStatus().getDescription());

    StatusRuntimeException emptyKey = assertThrows(StatusRuntimeException.class,
        () -> ask("geocode", descriptor("", "x")));
    assertEquals("descriptors[0].entries[0].key must not be empty", emptyKey.getStatus().getDescription());
  }

  @Test
  void theStandardHealthServiceReportsServing() {
    assertTrue(server.awaitReady(java.time.Duration.ofSeconds(30)), "never ready");
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
    assertEquals(HealthCheckResponse.ServingStatus.SERVING,
        health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
    assertEquals(HealthCheckResponse.ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
        .setService(RateLimitServiceGrpc.SERVICE_NAME).build()).getStatus());
  }

  @Test
  void serverReflectionListsTheRateLimitService() throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
        new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse value) {
            answer.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    ServerReflectionResponse response = answer.get(5, TimeUnit.SECONDS);
    requests.onCompleted();
    assertTrue(response.getListServicesResponse().getServiceList().stream()
        .anyMatch(s -> s.getName().equals(RateLimitServiceGrpc.SERVICE_NAME)));
  }
}
