package io.egressratelimit.server;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Asks a service's standard gRPC health endpoint whether it is SERVING. The container image carries
 * no other probe binary, so `helm test` and scripts use this.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
    description = "Exit 0 when the gRPC server at --target reports SERVING, 1 otherwise.")
final class HealthCommand implements Callable<Integer> {

  @Option(names = "--target", defaultValue = "127.0.0.1:8081", description = "HOST:PORT of the gRPC server.")
  String target;

  @Option(names = "--timeout-ms", defaultValue = "2000", description = "Deadline for the check.")
  long timeoutMillis;

  @Override
  public Integer call() throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
      System.out.println(target + ": " + response.getStatus());
      return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING ? 0 : 1;
    } catch (StatusRuntimeException e) {
      System.out.println(target + ": " + e.getStatus().getCode());
      return 1;
    } finally {
      channel.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
    }
  }
}
