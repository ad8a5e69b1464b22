package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

/**
 * The real thing: the official Envoy image runs envoy-local.yaml in front of the service (with the
 * shipped limits/) and the stub upstream, and calls over the budget come back 429 with the
 * X-RateLimit headers, while the upstream never sees more than the budget.
 */
class RealEnvoyIT {
  /** limits/geocode.yaml: at most 5 calls in any 15 s. */
  private static final int GLOBAL_BUDGET = 5;
  private static final int BURST = 12;

  @Test
  void callsOverTheBudgetGet429WithRateLimitHeaders() throws Exception {
    assumeTrue(EnvoyContainer.dockerAvailable(), EnvoyContainer.skipReason());
    try (LocalBackends backends = LocalBackends.start(EnvoyFiles.limitsDir());
        GenericContainer<?> envoy = EnvoyContainer.start(EnvoyFiles.LOCAL, backends.clusterPorts())) {
      assertBudgetHolds(EnvoyContainer.baseUrl(envoy), backends.upstreamUrl());
    }
  }

  private void assertBudgetHolds(String envoy, String upstream) throws IOException, InterruptedException {
    GatewayCalls calls = new GatewayCalls(envoy, upstream);
    // Strict buckets start empty, so the first admission may take a few seconds: wait for one.
    HttpResponse<String> first = calls.firstAdmitted(60, Duration.ofMillis(500));
    assertEquals(200, first.statusCode(), "a call within the budget goes through; body: " + first.body());

    List<HttpResponse<String>> burst = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      burst.add(calls.call());
    }
    long admitted = burst.stream().filter(response -> response.statusCode() == 200).count();
    List<HttpResponse<String>> limited = burst.stream().filter(response -> response.statusCode() == 429).toList();
    assertEquals(BURST, admitted + limited.size(), "every call is either admitted or limited");
    assertTrue(admitted <= GLOBAL_BUDGET - 1, "admitted in the burst: " + admitted);
    for (HttpResponse<String> response : limited) {
      for (String header : List.of("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")) {
        assertTrue(response.headers().firstValue(header).isPresent(), header + " on a 429: " + response.headers());
      }
    }
    assertTrue(calls.upstreamMaxInWindow("15s") <= GLOBAL_BUDGET, "the upstream saw more than the budget");
  }
}
