package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.TestCertificates;
import io.egressratelimit.testing.redis.RedisServerProcess;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REDIS_TLS and its three files reach the Redis connection: a service process talks to a
 * redis-server that only speaks TLS on its port and requires client certificates.
 */
class RedisTlsSettingsIT {
  @TempDir
  Path dir;

  @Test
  void theTlsVariablesConnectToARedisThatRequiresClientCertificates() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    int tlsPort = FreePort.find();
    try (RedisServerProcess redis = RedisServerProcess.start("--tls-port", Integer.toString(tlsPort),
        "--tls-cert-file", certs.serverCert().toString(), "--tls-key-file", certs.serverKey().toString(),
        "--tls-ca-cert-file", certs.caCert().toString(), "--tls-auth-clients", "yes")) {
      Map<String, String> env = new HashMap<>();
      env.put("CONFIG_PATH", Path.of(RedisTlsSettingsIT.class.getResource("/server/geocode.yaml").toURI()).toString());
      env.put("HOST", "127.0.0.1");
      env.put("REDIS_URL", "redis://127.0.0.1:" + tlsPort);
      env.put("REDIS_TLS", "true");
      env.put("REDIS_TLS_CACERT", certs.caCert().toString());
      env.put("BACKEND_TIMEOUT", "2s");
      env.put("DRAIN_DELAY", "0s");

      env.put("GRPC_PORT", "0");
      env.put("PORT", "0");
      try (ServiceProcess noClientCertificate = ServiceProcess.runToEnd(env)) {
        assertEquals(1, noClientCertificate.awaitExit(Duration.ofSeconds(5)), noClientCertificate.output());
        assertTrue(noClientCertificate.output().contains("ratelimit-service: cannot connect to Redis at "),
            noClientCertificate.output());
      }

      env.put("REDIS_TLS_CLIENT_CERT", certs.clientCert().toString());
      env.put("REDIS_TLS_CLIENT_KEY", certs.clientKey().toString());
      // on ports it binds itself (0) and reports: no other process can take them in between
      try (ServiceProcess service = ServiceProcess.onFreePorts("ratelimit-service", dir, env);
          RlsTestClient rls = RlsTestClient.plaintext(service.grpcPort())) {
        assertEquals(RateLimitResponse.Code.OK, rls.askGeocode().getOverallCode());
        // Keys of the geocode domain only: the warm-up's rehearsals of its rules are there too, for a
        // second or two, on keys of that domain's hash tag named after the reserved warm-up domain.
        assertEquals(":1", redis.command("EVAL \"local n = 0 for _, k in ipairs(redis.call('KEYS', '*{geocode}*'))"
                + " do if not string.find(k, '_ratelimit_warmup', 1, true) then n = n + 1 end end return n\" 0"),
            "the bucket went to the TLS server");
      }
    }
  }
}
