package io.egressratelimit.loadgen.bench;

import io.egressratelimit.loadgen.rls.RlsTarget;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;

/** Polls the RateLimitService's gRPC health every 5 ms until it says SERVING: a cold start's first figure. */
final class ServingProbe {
  private static final String RATE_LIMIT_SERVICE = "envoy.service.ratelimit.v3.RateLimitService";
  private static final long WAIT_MILLIS = 60_000;

  private ServingProbe() {}

  /**
   * @param sinceEpochMillis when the service was started; the probe gives up a minute after it
   * @return when SERVING was first seen, in epoch milliseconds
   */
  static long awaitServing(RlsTarget target, long sinceEpochMillis) throws BenchFailure, InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress(target.host(), target.port()).usePlaintext().build();
    try {
      HealthCheckRequest ask = HealthCheckRequest.newBuilder().setService(RATE_LIMIT_SERVICE).build();
      while (System.currentTimeMillis() - sinceEpochMillis < WAIT_MILLIS) {
        try {
          ServingStatus status = HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(500, TimeUnit.MILLISECONDS).check(ask).getStatus();
          if (status == ServingStatus.SERVING) {
            return System.currentTimeMillis();
          }
        } catch (StatusRuntimeException notYet) {
          channel.resetConnectBackoff(); // not listening yet: try again at once, not after grpc's back-off
        }
        Thread.sleep(5);
      }
      throw new BenchFailure(target + " did not report SERVING within " + WAIT_MILLIS / 1000 + " s");
    } finally {
      channel.shutdownNow();
    }
  }
}
