package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.settings.GrpcTlsSettings;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.TestCertificates;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.grpc.ChannelCredentials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and mTLS on the gRPC port, with certificates made for the test. */
class GrpcTlsIT {
  @TempDir
  static Path dir;

  private static TestCertificates certs;

  @BeforeAll
  static void makeCertificates() {
    certs = TestCertificates.create(dir);
  }

  private static ServerSettings settings(Optional<Path> clientCa) throws Exception {
    Path config = Path.of(GrpcTlsIT.class.getResource("/server/geocode.yaml").toURI());
    return ServerSettings.inMemory(config, 0, 0).toBuilder()
        .grpcTls(Optional.of(new GrpcTlsSettings(certs.serverCert(), certs.serverKey(), clientCa)))
        .build();
  }

  private static RlsTestClient client(int port, ChannelCredentials credentials) {
    return new RlsTestClient(NettyChannelBuilder.forAddress("127.0.0.1", port, credentials).build());
  }

  private static ChannelCredentials trusting() throws Exception {
    return TlsChannelCredentials.newBuilder().trustManager(certs.caCert().toFile()).build();
  }

  private static ChannelCredentials presenting(Path cert, Path key) throws Exception {
    return TlsChannelCredentials.newBuilder().trustManager(certs.caCert().toFile())
        .keyManager(cert.toFile(), key.toFile()).build();
  }

  private static void assertRefused(RlsTestClient client) {
    try (client) {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, client::askGeocode);
      assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.toString());
    }
  }

  @Test
  void tlsServesClientsThatTrustTheCaAndNoPlaintext() throws Exception {
    try (RateLimitServer server = RateLimitServer.start(settings(Optional.empty()))) {
      try (RlsTestClient client = client(server.grpcPort(), trusting())) {
        assertEquals(RateLimitResponse.Code.OK, client.askGeocode().getOverallCode());
      }
      assertRefused(RlsTestClient.plaintext(server.grpcPort()));
      assertRefused(client(server.grpcPort(), TlsChannelCredentials.create()));
    }
  }

  @Test
  void mtlsServesOnlyClientsWithACertificateFromTheClientCa() throws Exception {
    try (RateLimitServer server = RateLimitServer.start(settings(Optional.of(certs.caCert())))) {
      try (RlsTestClient client = client(server.grpcPort(), presenting(certs.clientCert(), certs.clientKey()))) {
        assertEquals(RateLimitResponse.Code.OK, client.askGeocode().getOverallCode());
      }
      assertRefused(client(server.grpcPort(), trusting()));
      assertRefused(client(server.grpcPort(), presenting(certs.strangerCert(), certs.strangerKey())));

      String target = "127.0.0.1:" + server.grpcPort();
      assertEquals(0, Main.execute("health", "--target", target, "--tls-ca", certs.caCert().toString(),
          "--tls-cert", certs.clientCert().toString(), "--tls-key", certs.clientKey().toString()));
      assertEquals(1, Main.execute("health", "--target", target, "--tls-ca", certs.caCert().toString()));
    }
  }

  @Test
  void aKeyThatIsNotPemStopsStartUpWithAReadableReason() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.key"), "not a key\n");
    ServerSettings settings = settings(Optional.empty()).toBuilder()
        .grpcTls(Optional.of(new GrpcTlsSettings(certs.serverCert(), garbage, Optional.empty()))).build();
    StartupException failure = assertThrows(StartupException.class, () -> RateLimitServer.start(settings));
    assertTrue(failure.getMessage().startsWith("the gRPC TLS certificate or key is not usable: "),
        failure.getMessage());
  }
}
