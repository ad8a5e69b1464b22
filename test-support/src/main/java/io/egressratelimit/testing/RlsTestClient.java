package io.egressratelimit.testing;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/** A plaintext gRPC client for the RateLimitService, as Envoy calls it, for tests (the load generator has its own, product, client). */
public final class RlsTestClient implements AutoCloseable {
  private final ManagedChannel channel;

  public RlsTestClient(ManagedChannel channel) {
    this.channel = channel;
  }

  public static RlsTestClient plaintext(int port) {
    return new RlsTestClient(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
  }

  public ManagedChannel channel() {
    return channel;
  }

  public static RateLimitDescriptor descriptor(String... keyValues) {
    RateLimitDescriptor.Builder descriptor = RateLimitDescriptor.newBuilder();
    for (int i = 0; i < keyValues.length; i += 2) {
      descriptor.addEntries(RateLimitDescriptor.Entry.newBuilder().setKey(keyValues[i]).setValue(keyValues[i + 1]));
    }
    return descriptor.build();
  }

  public static RateLimitRequest request(String domain, RateLimitDescriptor... descriptors) {
    RateLimitRequest.Builder request = RateLimitRequest.newBuilder().setDomain(domain);
    for (RateLimitDescriptor descriptor : descriptors) {
      request.addDescriptors(descriptor);
    }
    return request.build();
  }

  public RateLimitResponse ask(RateLimitRequest request) {
    return RateLimitServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .shouldRateLimit(request);
  }

  /** The global budget descriptor of the example domain. */
  public RateLimitResponse askGeocode() {
    return ask(request("geocode", descriptor("generic_key", "geocode")));
  }

  /** The health of the process as a whole, what liveness probes ask. */
  public ServingStatus health() {
    return health("");
  }

  /** The health of one service: for the RateLimitService, whether this replica can answer now. */
  public ServingStatus health(String service) {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
