package io.egressratelimit.server;

import io.egressratelimit.settings.SettingChecks;
import io.egressratelimit.settings.SettingsException;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Asks a service's standard gRPC health endpoint whether it is SERVING. The container image carries
 * no other probe binary, so `helm test` and scripts use this.
 */
@Command(name = "health", mixinStandardHelpOptions = true, showDefaultValues = true,
    description = "Exit 0 when the gRPC server at --target reports SERVING, 1 otherwise.")
final class HealthCommand implements Callable<Integer> {

  @Option(names = "--target", defaultValue = "127.0.0.1:8081", description = "HOST:PORT of the gRPC server.")
  String target;

  @Option(names = "--service", defaultValue = "", paramLabel = "NAME",
      description = "Service to ask about: empty for the process (draining or not, for liveness), "
          + "envoy.service.ratelimit.v3.RateLimitService for whether it can answer (for readiness).")
  String service;

  @Option(names = "--timeout-ms", defaultValue = "2000", description = "Deadline for the check.")
  long timeoutMillis;

  @Option(names = "--tls", description = "Connect over TLS, trusting the JVM's CAs unless --tls-ca is given.")
  boolean tls;

  @Option(names = "--tls-ca", paramLabel = "PEM",
      description = "CA certificate to verify the server with; implies --tls.")
  Path caCert;

  @Option(names = "--tls-cert", paramLabel = "PEM",
      description = "Client certificate, for a server that requires mTLS.")
  Path clientCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Its private key, PKCS#8 PEM.")
  Path clientKey;

  @Option(names = "--authority", paramLabel = "NAME",
      description = "Host name to verify the server certificate against, when --target is an address.")
  String authority;

  @Override
  public Integer call() throws InterruptedException {
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target, credentials());
    if (authority != null) {
      builder.overrideAuthority(authority);
    }
    ManagedChannel channel = builder.build();
    try {
      HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
          .check(HealthCheckRequest.newBuilder().setService(service).build());
      System.out.println(target + ": " + response.getStatus());
      return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING ? 0 : 1;
    } catch (StatusRuntimeException e) {
      System.out.println(target + ": " + e.getStatus().getCode());
      return 1;
    } finally {
      channel.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
    }
  }

  private ChannelCredentials credentials() {
    if (!tls && caCert == null && clientCert == null) {
      return InsecureChannelCredentials.create();
    }
    if ((clientCert == null) != (clientKey == null)) {
      throw new SettingsException("--tls-cert and --tls-key go together");
    }
    try {
      TlsChannelCredentials.Builder credentials = TlsChannelCredentials.newBuilder();
      if (caCert != null) {
        credentials.trustManager(SettingChecks.readableFile("--tls-ca", caCert).toFile());
      }
      if (clientCert != null) {
        credentials.keyManager(SettingChecks.readableFile("--tls-cert", clientCert).toFile(),
            SettingChecks.readableFile("--tls-key", clientKey).toFile());
      }
      return credentials.build();
    } catch (IOException e) {
      throw new SettingsException("cannot read the TLS files: " + e.getMessage());
    }
  }
}
