package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.ServiceProcess;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.type.v3.RateLimitUnit;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A real service process with USE_PROMETHEUS, real gRPC decisions, and the scrape read over HTTP
 * on both ports: every series an envoyproxy/ratelimit dashboard queries is there, by its name,
 * its labels and its value.
 */
class UpstreamMetricsIT {
  private static final String UPSTREAM = "^(ratelimit_service_|# (HELP|TYPE) ratelimit_service_).*";

  @Test
  void upstreamSeriesCountRealDecisionsOnTheAdminPortAndThePrometheusListener() throws Exception {
    Path config = Path.of(UpstreamMetricsIT.class.getResource("/metrics/upstream/geocode.yaml").toURI());
    int grpcPort = FreePort.find();
    int httpPort = FreePort.find();
    int prometheusPort = FreePort.find();
    try (ServiceProcess service = ServiceProcess.start(Map.of("CONFIG_PATH", config.toString(), "HOST", "127.0.0.1",
        "GRPC_PORT", String.valueOf(grpcPort), "PORT", String.valueOf(httpPort), "USE_PROMETHEUS", "true",
        "PROMETHEUS_ADDR", "127.0.0.1:" + prometheusPort, "PROMETHEUS_PATH", "/stats/prometheus"))) {
      assertTrue(service.awaitServing(httpPort, Duration.ofSeconds(60)), service.output());
      try (RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
        decide(rls);
      }

      HttpResponse<String> scrape = Http.get(prometheusPort, "/stats/prometheus");
      assertEquals(200, scrape.statusCode());
      assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
      String body = scrape.body();
      assertEquals(expectedCounters(), upstreamCounterLines(body), body);
      assertTrue(body.contains("ratelimit_service_response_time_seconds_count{grpc_method=\"ShouldRateLimit\"} 13\n"),
          body);
      assertTrue(body.contains("ratelimit_service_response_time_seconds_bucket{grpc_method=\"ShouldRateLimit\","
          + "le=\"1.0\"} 13\n"), body);
      assertTrue(body.contains("ratelimit_hits_total{domain=\"geocode\",key=\"geocode.generic_key_geocode\"} 4.0"),
          "our own names stay beside upstream's: " + body);

      assertEquals(expectedCounters(), upstreamCounterLines(Http.get(httpPort, "/metrics").body()),
          "the admin port serves the same series");
      assertEquals(404, Http.get(prometheusPort, "/metrics").statusCode(), "only PROMETHEUS_PATH is served");
    }
  }

  /** 13 calls: budgets spent and exceeded, a nested rule, a detailed rule, a shadow rule, a limit from Envoy, a bad request. */
  private static void decide(RlsTestClient rls) {
    for (int i = 0; i < 4; i++) {
      rls.askGeocode();
    }
    for (int i = 0; i < 3; i++) {
      rls.ask(RlsTestClient.request("geocode", RlsTestClient.descriptor("generic_key", "geocode", "caller", "billing")));
    }
    for (int i = 0; i < 2; i++) {
      rls.ask(RlsTestClient.request("geocode", RlsTestClient.descriptor("tenant", "acme")));
    }
    for (int i = 0; i < 2; i++) {
      RateLimitResponse shadow = rls.ask(RlsTestClient.request("geocode", RlsTestClient.descriptor("trial", "x")));
      assertEquals(RateLimitResponse.Code.OK, shadow.getOverallCode(), "a shadow-mode rule never denies");
    }
    RateLimitDescriptor fromEnvoy = RlsTestClient.descriptor("generic_key", "other").toBuilder()
        .setLimit(RateLimitDescriptor.RateLimitOverride.newBuilder().setRequestsPerUnit(5).setUnit(RateLimitUnit.MINUTE))
        .build();
    rls.ask(RlsTestClient.request("geocode", fromEnvoy));
    StatusRuntimeException invalid = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> rls.ask(RlsTestClient.request("", RlsTestClient.descriptor("generic_key", "geocode"))));
    assertEquals(Status.Code.INVALID_ARGUMENT, invalid.getStatus().getCode());
  }

  private static List<String> expectedCounters() {
    String geocode = "{domain=\"geocode\",key1=\"generic_key_geocode\"}";
    String caller = "{domain=\"geocode\",key1=\"generic_key_geocode\",key2=\"caller\"}";
    String other = "{domain=\"geocode\",key1=\"generic_key_other\"}";
    String tenant = "{domain=\"geocode\",key1=\"tenant_acme\"}";
    String trial = "{domain=\"geocode\",key1=\"trial\"}";
    return List.of(
        "ratelimit_service_config_load_error 0",
        "ratelimit_service_config_load_success 1",
        "ratelimit_service_rate_limit_near_limit" + caller + " 1",
        "ratelimit_service_rate_limit_near_limit" + geocode + " 1",
        "ratelimit_service_rate_limit_near_limit" + other + " 0",
        "ratelimit_service_rate_limit_near_limit" + tenant + " 1",
        "ratelimit_service_rate_limit_near_limit" + trial + " 1",
        "ratelimit_service_rate_limit_over_limit" + caller + " 1",
        "ratelimit_service_rate_limit_over_limit" + geocode + " 1",
        "ratelimit_service_rate_limit_over_limit" + other + " 0",
        "ratelimit_service_rate_limit_over_limit" + tenant + " 1",
        "ratelimit_service_rate_limit_over_limit" + trial + " 1",
        "ratelimit_service_rate_limit_shadow_mode" + caller + " 0",
        "ratelimit_service_rate_limit_shadow_mode" + geocode + " 0",
        "ratelimit_service_rate_limit_shadow_mode" + other + " 0",
        "ratelimit_service_rate_limit_shadow_mode" + tenant + " 0",
        "ratelimit_service_rate_limit_shadow_mode" + trial + " 1",
        "ratelimit_service_rate_limit_total_hits" + caller + " 3",
        "ratelimit_service_rate_limit_total_hits" + geocode + " 4",
        "ratelimit_service_rate_limit_total_hits" + other + " 1",
        "ratelimit_service_rate_limit_total_hits" + tenant + " 2",
        "ratelimit_service_rate_limit_total_hits" + trial + " 2",
        "ratelimit_service_rate_limit_within_limit" + caller + " 2",
        "ratelimit_service_rate_limit_within_limit" + geocode + " 3",
        "ratelimit_service_rate_limit_within_limit" + other + " 1",
        "ratelimit_service_rate_limit_within_limit" + tenant + " 1",
        "ratelimit_service_rate_limit_within_limit" + trial + " 1",
        "ratelimit_service_should_rate_limit_error{err_type=\"redis_error\"} 0",
        "ratelimit_service_should_rate_limit_error{err_type=\"service_error\"} 1",
        "ratelimit_service_total_requests{grpc_method=\"ShouldRateLimit\"} 13");
  }

  /** The counter samples under upstream's names, sorted; the histogram is checked on its own. */
  private static List<String> upstreamCounterLines(String scrape) {
    return scrape.lines()
        .filter(line -> line.matches(UPSTREAM) && !line.startsWith("#") && !line.contains("response_time"))
        .sorted()
        .collect(Collectors.toList());
  }
}
