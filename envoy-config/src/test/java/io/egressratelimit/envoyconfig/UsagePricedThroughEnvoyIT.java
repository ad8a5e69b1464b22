package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.egressratelimit.loadgen.upstream.UsageCost;
import io.egressratelimit.testing.Http;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped usage-priced example (envoy-llm-local.yaml) on the pinned Envoy, in front of two
 * replicas on one Redis and a stub whose every call costs 3,000 tokens: Envoy charges the cost at
 * stream done ({@code apply_on_stream_done}, {@code %RESP(x-usage-tokens)%}), the charge that
 * overdraws is recorded, and the debt refuses the next call. The only changes to the shipped
 * config: a small token budget, the filter's 2 s timeout (a loaded machine cannot turn an answer
 * into a 503), and a request-time refund entry ({@code is_negative_hits}) read from {@code x-refund}.
 */
class UsagePricedThroughEnvoyIT {
  private static final String LIMITS = String.join("\n",
      "domain: llm",
      "descriptors:",
      "  - key: generic_key",
      "    value: llm_requests",
      "    rate_limit: {requests_per_unit: 1000, unit: minute}",
      "  - key: generic_key",
      "    value: llm_tokens",
      "    rate_limit: {requests_per_unit: 10000, unit: hour, algorithm: token_bucket, burst: 10000, post_paid: true}",
      "");

  private static EnvoyFleet fleet;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startFleet() throws Exception {
    fleet = EnvoyFleet.start("usage-priced", LIMITS, 1, EnvoyFiles.LLM_LOCAL, "llm_upstream",
        Optional.of(UsageCost.parse("3000", 1)), tree -> {
          EnvoyConfigEdits.rateLimitTimeout(tree, "egress", "2s");
          Map<String, Object> refund = new LinkedHashMap<>();
          refund.put("actions", List.of(Map.of("generic_key", Map.of("descriptor_value", "llm_tokens"))));
          refund.put("hits_addend", Map.of("format", "%REQ(x-refund)%", "is_negative_hits", true));
          EnvoyConfigEdits.perRouteRateLimits(tree, "egress", "llm").add(0, refund);
        });
  }

  @AfterAll
  static void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void theCostIsChargedAtStreamDoneAndAnOverdrawBlocksUntilARefundRepaysIt() throws Exception {
    // 10,000 held; each call admitted while positive and charged 3,000 once its response is done.
    assertEquals(List.of(200, 200, 200, 200, 429), statuses(5), "10,000 - 4 x 3,000 = -2,000: the fifth is refused");
    assertEquals(12_000, upstreamCost(), "the upstream served four calls of 3,000");
    // A refund of 1,000 repays half the debt: still refused. The refund is given back, not charged.
    assertEquals(429, call("x-refund", "1000"));
    assertEquals(429, call());
    // A refund far above capacity fills the bucket to its 10,000, no further: four calls again (the
    // refund rides on the first of them, and is applied before its check).
    assertEquals(200, call("x-refund", "1000000"));
    assertEquals(List.of(200, 200, 200, 429), statuses(4), "capped at capacity: 4 calls, not 300");
    assertEquals(24_000, upstreamCost());
  }

  private List<Integer> statuses(int calls) throws Exception {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      statuses.add(call());
    }
    return statuses;
  }

  /** One call; then a pause for its stream-done charge, which Envoy sends after the response. */
  private int call(String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fleet.envoys().get(0).url("egress") + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"stub\"}"));
    if (headers.length > 0) {
      request.headers(headers);
    }
    int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    Thread.sleep(300);
    return status;
  }

  private long upstreamCost() {
    JsonObject stats = JsonParser.parseString(Http.get(fleet.upstreamPort(), "/stats?window=1h").body()).getAsJsonObject();
    return stats.get("totalCost").getAsLong();
  }
}
