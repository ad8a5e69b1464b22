package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.rls.RateLimitHeaders;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.RlsTestClient;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The admin HTTP port and the gRPC answers of a running server, over real sockets. */
class AdminEndpointsIT {
  private static final String GEOCODE_JSON =
      "{\"domain\":\"geocode\",\"descriptors\":[{\"entries\":[{\"key\":\"generic_key\",\"value\":\"geocode\"}]}]}";

  private static Path config() throws Exception {
    return Path.of(AdminEndpointsIT.class.getResource("/server/geocode.yaml").toURI());
  }

  private static double metric(String scrape, String series) {
    Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    return value.find() ? Double.parseDouble(value.group(1)) : Double.NaN;
  }

  @Test
  void healthcheckRlconfigAndJsonAnswerAsEnvoyproxyRatelimitDoes() throws Exception {
    try (RateLimitServer server = RateLimitServer.start(ServerSettings.inMemory(config(), 0, 0))) {
      int port = server.httpPort();
      assertTrue(server.awaitReady(Duration.ofSeconds(30)), "never ready");
      HttpResponse<String> health = Http.get(port, "/healthcheck");
      assertEquals(200, health.statusCode());
      assertEquals("OK\n", health.body());

      assertEquals("geocode.generic_key_geocode: unit=MINUTE requests_per_unit=3, shadow_mode: false\n"
          + "geocode.generic_key_geocode.caller: unit=MINUTE requests_per_unit=2, shadow_mode: false\n",
          Http.get(port, "/rlconfig").body());

      HttpResponse<String> ok = Http.post(port, "/json", GEOCODE_JSON);
      assertEquals(200, ok.statusCode());
      assertTrue(ok.body().contains("\"overallCode\": \"OK\"") && ok.body().contains("\"limitRemaining\": 2"),
          ok.body());
      Http.post(port, "/json", GEOCODE_JSON);
      Http.post(port, "/json", GEOCODE_JSON);
      HttpResponse<String> over = Http.post(port, "/json", GEOCODE_JSON);
      assertEquals(429, over.statusCode());
      assertTrue(over.body().contains("\"overallCode\": \"OVER_LIMIT\""), over.body());
    }
  }

  @Test
  void badRequestsToTheAdminPortGetAClearMessage() throws Exception {
    try (RateLimitServer server = RateLimitServer.start(ServerSettings.inMemory(config(), 0, 0))) {
      int port = server.httpPort();
      HttpResponse<String> truncated = Http.post(port, "/json", "{\"domain\":");
      assertEquals(400, truncated.statusCode());
      assertTrue(truncated.body().startsWith("invalid RateLimitRequest JSON: "), truncated.body());

      HttpResponse<String> misspelled = Http.post(port, "/json", "{\"domian\":\"geocode\"}");
      assertEquals(400, misspelled.statusCode());
      assertEquals("invalid RateLimitRequest JSON: Cannot find field: domian in message "
          + "envoy.service.ratelimit.v3.RateLimitRequest\n", misspelled.body());

      HttpResponse<String> empty = Http.post(port, "/json", "{\"domain\":\"geocode\"}");
      assertEquals(400, empty.statusCode());
      assertEquals("invalid request: descriptors must not be empty\n", empty.body());

      assertEquals(405, Http.get(port, "/json").statusCode());
      assertEquals(404, Http.get(port, "/healthcheck/extra").statusCode());
    }
  }

  @Test
  void metricsCountEachRuleAndTimeEachDecision() throws Exception {
    try (RateLimitServer server = RateLimitServer.start(ServerSettings.inMemory(config(), 0, 0));
        RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
      for (int i = 0; i < 4; i++) {
        rls.askGeocode();
      }
      HttpResponse<String> scrape = Http.get(server.httpPort(), "/metrics");
      assertEquals(200, scrape.statusCode());
      assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
      String body = scrape.body();
      String rule = "{domain=\"geocode\",key=\"geocode.generic_key_geocode\"}";
      assertEquals(4, metric(body, "ratelimit_hits_total" + rule), body);
      assertEquals(3, metric(body, "ratelimit_within_limit_total" + rule));
      assertEquals(1, metric(body, "ratelimit_over_limit_total" + rule));
      assertEquals(1, metric(body, "ratelimit_near_limit_total" + rule), "3 of 3 used is past 0.8 × 3");
      assertEquals(0, metric(body, "ratelimit_shadow_mode_total" + rule));
      assertEquals(4, metric(body, "ratelimit_decision_seconds_count"));
      assertEquals(4, metric(body, "ratelimit_decision_seconds_bucket{le=\"1.0\"}"));
      assertTrue(metric(body, "ratelimit_backend_seconds_count") >= 3, "the over-limit cache may spare one call");
      assertEquals(1, metric(body, "ratelimit_over_limit_cache_entries{kind=\"empty\"}"), "the denied bucket");
      assertTrue(metric(body, "ratelimit_over_limit_cache_entries{kind=\"seen\"}") >= 0,
          "the other kind is gauged too (the warm-up's requests of several buckets are in it)");
      assertEquals(1, metric(body, "ratelimit_config_loads_total{result=\"success\"}"));
      assertEquals(1, metric(body, "ratelimit_config_last_load_success"));
      for (String jvm : new String[] {"jvm_memory_used_bytes{area=\"heap\"", "jvm_threads_live_threads ",
          "jvm_gc_", "process_uptime_seconds ", "process_cpu_usage "}) {
        assertTrue(body.contains(jvm), "JVM metrics include " + jvm);
      }
    }
  }

  @Test
  void responseHeadersAndGlobalShadowModeOverGrpc() throws Exception {
    ServerSettings settings = ServerSettings.inMemory(config(), 0, 0).toBuilder()
        .responseHeaders(Optional.of(new RateLimitHeaders("X-Budget", "X-Budget-Left", "X-Budget-Reset")))
        .shadowModeForAll(true)
        .build();
    try (RateLimitServer server = RateLimitServer.start(settings);
        RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
      RateLimitResponse first = rls.askGeocode();
      Map<String, String> headers = first.getResponseHeadersToAddList().stream()
          .collect(Collectors.toMap(HeaderValue::getKey, HeaderValue::getValue));
      assertEquals("3", headers.get("X-Budget"));
      assertEquals("2", headers.get("X-Budget-Left"));
      long reset = Long.parseLong(headers.get("X-Budget-Reset"));
      assertTrue(reset >= 1 && reset <= 60, "within the minute window: " + reset);

      for (int i = 0; i < 4; i++) {
        assertEquals(RateLimitResponse.Code.OK, rls.askGeocode().getOverallCode(), "shadow mode denies nothing");
      }
      String body = Http.get(server.httpPort(), "/metrics").body();
      String rule = "{domain=\"geocode\",key=\"geocode.generic_key_geocode\"}";
      assertEquals(2, metric(body, "ratelimit_shadow_mode_total" + rule), "the 4th and 5th would have been denied");
      assertEquals(2, metric(body, "ratelimit_over_limit_total" + rule));
    }
  }
}
