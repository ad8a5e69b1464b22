package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One trust boundary: when gRPC requires client certificates, the admin port's /json (which spends
 * budget and has no credential) is no way around them; and the admin port binds where it is told,
 * apart from gRPC. Real service processes, real sockets.
 */
class AdminTrustBoundaryIT {
  private static final String GEOCODE_JSON =
      "{\"domain\":\"geocode\",\"descriptors\":[{\"entries\":[{\"key\":\"generic_key\",\"value\":\"geocode\"}]}]}";

  @TempDir
  Path dir;

  private Map<String, String> mtls(TestCertificates certs) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("CONFIG_PATH", Path.of(AdminTrustBoundaryIT.class.getResource("/server/geocode.yaml").toURI()).toString());
    env.put("GRPC_SERVER_USE_TLS", "true");
    env.put("GRPC_SERVER_TLS_CERT", certs.serverCert().toString());
    env.put("GRPC_SERVER_TLS_KEY", certs.serverKey().toString());
    env.put("GRPC_CLIENT_TLS_CACERT", certs.caCert().toString());
    return env;
  }

  @Test
  void withClientCertificatesRequiredJsonIsRefusedAndCannotBeOpenedToEveryClient() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    try (ServiceProcess service = ServiceProcess.onFreePorts("mtls", dir, mtls(certs))) {
      HttpResponse<String> refused = Http.post(service.httpPort(), "/json", GEOCODE_JSON);
      assertEquals(403, refused.statusCode(), refused.body());
      assertEquals("POST /json is off on this service (JSON_ENDPOINT=off; off by default when gRPC requires client "
          + "certificates, which /json cannot check)\n", refused.body());
      assertEquals(200, Http.status(service.httpPort(), "/healthcheck"), "the rest of the admin port still answers");
      assertTrue(service.output().contains("POST /json on the admin port: off"), service.output());
    }

    Map<String, String> open = mtls(certs);
    open.put("JSON_ENDPOINT", "on");
    try (ServiceProcess refused = ServiceProcess.runToEnd(open, "--grpc-port", "0", "--http-port", "0")) {
      assertEquals(2, refused.awaitExit(Duration.ofSeconds(30)), refused.output());
      assertTrue(refused.output().contains("ratelimit-service: --json-endpoint on (JSON_ENDPOINT=on) would let any "
          + "client that reaches the admin port spend budget without the client certificate gRPC requires"),
          refused.output());
    }
  }

  @Test
  void withoutClientCertificatesJsonAnswersThisHostOnlyByDefaultAndTheAdminPortBindsApart() throws Exception {
    int grpcPort = FreePort.find();
    int httpPort = FreePort.find();
    Map<String, String> env = new HashMap<>();
    env.put("CONFIG_PATH", Path.of(AdminTrustBoundaryIT.class.getResource("/server/geocode.yaml").toURI()).toString());
    env.put("HOST", "127.0.0.1");
    env.put("ADMIN_HOST", "127.0.0.2");
    env.put("GRPC_PORT", Integer.toString(grpcPort));
    env.put("PORT", Integer.toString(httpPort));
    try (ServiceProcess service = ServiceProcess.start(env)) {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      String admin = "http://127.0.0.2:" + httpPort;
      assertTrue(Eventually.within(Duration.ofSeconds(60), () -> status(client, admin + "/healthcheck") == 200),
          service.output());
      assertEquals(-1, Http.status(httpPort, "/healthcheck"), "nothing on 127.0.0.1: the admin port is bound apart");
      assertTrue(service.output().contains("and HTTP on 127.0.0.2:" + httpPort), service.output());
      assertTrue(service.output().contains("POST /json on the admin port: loopback only"), service.output());

      HttpResponse<String> fromThisHost = client.send(HttpRequest.newBuilder(URI.create(admin + "/json"))
          .POST(HttpRequest.BodyPublishers.ofString(GEOCODE_JSON)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, fromThisHost.statusCode(), fromThisHost.body());
    }
  }

  private static int status(HttpClient client, String url) {
    try {
      return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
