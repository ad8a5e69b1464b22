package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.ServiceProcess;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings as operators of envoyproxy/ratelimit give them: environment variables, in a real process. */
class EnvironmentSettingsIT {

  private static String config() throws Exception {
    return Path.of(EnvironmentSettingsIT.class.getResource("/server/geocode.yaml").toURI()).toString();
  }

  @Test
  void envoyproxyRatelimitVariablesConfigureTheService() throws Exception {
    int grpcPort = FreePort.find();
    int httpPort = FreePort.find();
    try (ServiceProcess service = ServiceProcess.start(Map.of("CONFIG_PATH", config(), "HOST", "127.0.0.1",
        "GRPC_PORT", Integer.toString(grpcPort), "PORT", Integer.toString(httpPort), "SHADOW_MODE", "1",
        "LIMIT_RESPONSE_HEADERS_ENABLED", "true", "LIMIT_REMAINING_HEADER", "X-Left", "NEAR_LIMIT_RATIO", "0.5",
        "LOG_FORMAT", "JSON", "LOG_LEVEL", "warn"))) {
      assertTrue(service.awaitServing(httpPort, Duration.ofSeconds(60)), service.output());
      try (RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
        for (int i = 0; i < 5; i++) {
          RateLimitResponse response = rls.askGeocode();
          assertEquals(RateLimitResponse.Code.OK, response.getOverallCode(), "SHADOW_MODE denies nothing");
          List<String> names = response.getResponseHeadersToAddList().stream().map(HeaderValue::getKey).toList();
          assertEquals(List.of("RateLimit-Limit", "X-Left", "RateLimit-Reset"), names);
        }
      }
      String metrics = Http.get(httpPort, "/metrics").body();
      String rule = "{domain=\"geocode\",key=\"geocode.generic_key_geocode\"}";
      assertTrue(metrics.contains("ratelimit_shadow_mode_total" + rule + " 2.0"), metrics);
      assertTrue(metrics.contains("ratelimit_near_limit_total" + rule + " 2.0"), "2 and 3 of 3 are past 0.5 × 3");
      service.terminate();
      assertEquals(0, service.awaitExit(Duration.ofSeconds(60)));
      assertFalse(service.output().contains("serving gRPC"), "LOG_LEVEL=warn hides the start-up line");
    }
  }

  @Test
  void anInvalidVariableIsOneLineNamingItAndExitCodeTwo() throws Exception {
    try (ServiceProcess service = ServiceProcess.runToEnd(Map.of("CONFIG_PATH", config(), "GRPC_PORT", "80a"))) {
      assertEquals(2, service.awaitExit(Duration.ofSeconds(5)));
      assertEquals("ratelimit-service: Invalid value for option '--grpc-port': '80a' is not an int "
          + "(flag --grpc-port or env GRPC_PORT); see --help\n", service.output());
    }
  }
}
