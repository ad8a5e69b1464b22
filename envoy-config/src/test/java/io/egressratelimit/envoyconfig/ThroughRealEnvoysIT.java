package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.envoy.EnvoyStats;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a caller sees through the shipped gateway (envoy-local.yaml on the pinned Envoy), two Envoys
 * in front of two replicas on one Redis: the 429 and its headers, the response cache, the
 * descriptors the routes send, and a cost Envoy reads from the request. The only change to the
 * shipped config: the route's rate_limits move to the filter's per-route config, where Envoy 1.40
 * reads a hits_addend, and the global budget's entry takes its hits from {@code x-cost}; and the
 * filter waits 2 s rather than 20 ms, so a loaded test machine cannot turn an answer into a 503.
 */
class ThroughRealEnvoysIT {
  private static final String LIMITS = String.join("\n",
      "domain: geocode",
      "descriptors:",
      "  - key: generic_key",
      "    value: geocode",
      "    rate_limit: {requests_per_unit: 1000, unit: hour, name: geocode-global}",
      "    descriptors:",
      "      - key: caller",
      "        rate_limit: {requests_per_unit: 3, unit: minute, algorithm: token_bucket, name: geocode-per-caller}",
      "");
  private static final String ENVOY_STAT = "cluster.geocode_upstream.ratelimit.";

  private static EnvoyFleet fleet;

  @BeforeAll
  static void startFleet() throws Exception {
    fleet = EnvoyFleet.start("through-real-envoys", LIMITS, 2, EnvoyFiles.LOCAL, tree -> {
      EnvoyConfigEdits.rateLimitsPerRoute(tree, "egress_limited", "geocode").get(0)
          .put("hits_addend", Map.of("format", "%REQ(x-cost)%"));
      EnvoyConfigEdits.rateLimitTimeout(tree, "egress_limited", "2s");
    });
    // A fresh Envoy's first call opens its connection to the service: wait for one answer on each.
    for (int envoy = 0; envoy < 2; envoy++) {
      assertEquals(200, fleet.calls(envoy).firstAdmitted(20, Duration.ofMillis(200)).statusCode());
    }
  }

  @AfterAll
  static void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void aDeniedCallGets429WithTheDenyingDescriptorsHeadersAndRetryAfter() throws Exception {
    String[] caller = {"x-caller", "headers-test"};
    for (int i = 0; i < 3; i++) {
      assertEquals(200, fleet.calls(i % 2).call(caller).statusCode(), "call " + i + " of the caller's 3");
    }
    HttpResponse<String> denied = fleet.calls(0).call(caller);
    assertEquals(429, denied.statusCode(), denied.body());
    // DRAFT_VERSION_03: the limit and policy of the descriptor closest to its limit, which denied.
    String limit = denied.headers().firstValue("x-ratelimit-limit").orElseThrow();
    assertTrue(limit.startsWith("3, ") && limit.contains("name=\"geocode-per-caller\""), limit);
    assertEquals("0", denied.headers().firstValue("x-ratelimit-remaining").orElseThrow());
    long reset = Long.parseLong(denied.headers().firstValue("x-ratelimit-reset").orElseThrow());
    long retryAfter = Long.parseLong(denied.headers().firstValue("retry-after").orElseThrow());
    assertTrue(reset >= 1 && reset <= 60, "reset " + reset);
    assertEquals(reset, retryAfter, "Retry-After is the denying descriptor's reset");
    assertEquals("true", denied.headers().firstValue("x-envoy-ratelimited").orElseThrow());
  }

  @Test
  void aRepeatedLookupIsServedFromTheCacheAndSpendsNoBudget() throws Exception {
    GatewayCalls calls = fleet.calls(1);
    String latlng = "48.858370,2.294481";
    HttpResponse<String> first = calls.at(latlng);
    assertEquals(200, first.statusCode());
    long upstreamBefore = fleet.seen(Duration.ofHours(1)).total();
    EnvoyStats before = fleet.envoys().get(1).stats();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> again = calls.at(latlng);
      assertEquals(200, again.statusCode());
      assertTrue(again.headers().firstValue("age").isPresent(), "served from the cache: " + again.headers().map());
      assertEquals(first.body(), again.body());
    }
    EnvoyStats after = fleet.envoys().get(1).stats();
    assertEquals(upstreamBefore, fleet.seen(Duration.ofHours(1)).total(), "the upstream saw none of the repeats");
    assertEquals(before.get(ENVOY_STAT + "ok"), after.get(ENVOY_STAT + "ok"), "the service was asked about none");
    System.out.printf("cache: 5 repeats served by Envoy, upstream calls unchanged at %d; %s%n",
        upstreamBefore, after.withPrefix(ENVOY_STAT));
  }

  @Test
  void everyDescriptorTheShippedRoutesSendMeetsARule() throws Exception {
    Map<String, Double> before = ruleHits();
    // x-cost 1: without it, this fleet's global entry sends no descriptor (see the cost test)
    fleet.calls(0).call("x-cost", "1");
    fleet.calls(1).call("x-cost", "1", "x-caller", "descriptors-test");
    // Metrics are counted after the answer is sent: wait until both calls show.
    Eventually.within(Duration.ofSeconds(10), () -> ruleHits().getOrDefault("geocode.generic_key_geocode.caller", 0.0)
        > before.getOrDefault("geocode.generic_key_geocode.caller", 0.0));
    Map<String, Double> after = ruleHits();
    assertEquals(0, unmatchedDescriptors(), "descriptors the service had no rule for");
    assertEquals(2, after.get("geocode.generic_key_geocode") - before.getOrDefault("geocode.generic_key_geocode", 0.0),
        "both calls sent the global budget's descriptor");
    assertEquals(1, after.get("geocode.generic_key_geocode.caller")
        - before.getOrDefault("geocode.generic_key_geocode.caller", 0.0), "the call with x-caller sent the caller's");
  }

  @Test
  void aCostEnvoyReadsFromTheRequestIsSpent() throws Exception {
    long before = remaining(fleet.calls(0).call("x-cost", "1"));
    long after = remaining(fleet.calls(1).call("x-cost", "5"));
    assertEquals(before - 5, after, "a call with x-cost 5 spends 5 of the global budget");
    // Envoy 1.40 drops a rate_limits entry whose hits_addend format finds no header: the call is
    // not asked about at all and goes out unlimited. A cost header must come from the gateway, never
    // be optional for the caller.
    long asked = fleet.envoys().get(0).stats().get(ENVOY_STAT + "ok");
    HttpResponse<String> withoutCost = fleet.calls(0).call();
    assertEquals(200, withoutCost.statusCode());
    assertTrue(withoutCost.headers().firstValue("x-ratelimit-remaining").isEmpty(), withoutCost.headers().map().toString());
    assertEquals(asked, fleet.envoys().get(0).stats().get(ENVOY_STAT + "ok"), "the service was not asked");
  }

  private static long remaining(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    return Long.parseLong(response.headers().firstValue("x-ratelimit-remaining").orElseThrow());
  }

  /** ratelimit_hits_total by rule, summed over both replicas. */
  private static Map<String, Double> ruleHits() {
    Map<String, Double> hits = new java.util.HashMap<>();
    Pattern line = Pattern.compile("(?m)^ratelimit_hits_total\\{domain=\"geocode\",key=\"([^\"]+)\"} (\\S+)$");
    for (ServiceProcess replica : fleet.replicas()) {
      Matcher matcher = line.matcher(Http.get(replica.httpPort(), "/metrics").body());
      while (matcher.find()) {
        hits.merge(matcher.group(1), Double.parseDouble(matcher.group(2)), Double::sum);
      }
    }
    return hits;
  }

  private static double unmatchedDescriptors() {
    double sum = 0;
    Pattern line = Pattern.compile("(?m)^ratelimit_descriptors_unmatched_total (\\S+)$");
    for (ServiceProcess replica : fleet.replicas()) {
      Matcher matcher = line.matcher(Http.get(replica.httpPort(), "/metrics").body());
      assertTrue(matcher.find(), "the service exports ratelimit_descriptors_unmatched_total");
      sum += Double.parseDouble(matcher.group(1));
    }
    return sum;
  }
}
