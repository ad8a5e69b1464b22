package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.egressratelimit.redis.RedisStoreSettings;
import io.egressratelimit.redis.RedisTopology;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.redis.RedisServerProcess;
import io.egressratelimit.testing.redis.RespClient;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code /budgets} of running services over real HTTP, on the in-memory store and on a real Redis. */
class BudgetsEndpointIT {
  private static final String RULE = "geocode.generic_key_geocode";

  static Path config() throws Exception {
    return Path.of(BudgetsEndpointIT.class.getResource("/budgets/geocode.yaml").toURI());
  }

  static JsonObject budgets(int httpPort) {
    HttpResponse<String> response = Http.get(httpPort, "/budgets");
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
    return JsonParser.parseString(response.body()).getAsJsonObject();
  }

  static JsonObject rule(JsonObject budgets, String key) {
    for (JsonElement rule : budgets.getAsJsonArray("rules")) {
      if (rule.getAsJsonObject().get("key").getAsString().equals(key)) {
        return rule.getAsJsonObject();
      }
    }
    throw new AssertionError("no rule " + key + " in " + budgets);
  }

  static JsonObject onlyBucket(JsonObject budgets) {
    JsonArray buckets = rule(budgets, RULE).getAsJsonArray("buckets");
    assertEquals(1, buckets.size(), buckets.toString());
    return buckets.get(0).getAsJsonObject();
  }

  private static int spend(RlsTestClient rls, int requests) {
    int admitted = 0;
    for (int i = 0; i < requests; i++) {
      if (rls.askGeocode().getOverallCode() == RateLimitResponse.Code.OK) {
        admitted++;
      }
    }
    return admitted;
  }

  @Test
  void showsEachRuleAndItsLiveBucketOnTheInMemoryStore() throws Exception {
    try (RateLimitServer server = RateLimitServer.start(ServerSettings.inMemory(config(), 0, 0));
        RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
      JsonObject before = budgets(server.httpPort());
      assertEquals(0, rule(before, RULE).getAsJsonArray("buckets").size(), "nothing decided yet");
      assertEquals("at most 40 + 40 × t / hour in any interval of length t: bursts up to 40, sustained 40 per hour",
          rule(before, RULE).get("guarantee").getAsString());
      assertEquals("40/hour token_bucket burst=40", rule(before, RULE).get("limit").getAsString());

      assertEquals(40, spend(rls, 43));
      // the view is rebuilt at most once a second: the one from before may still be served
      assertTrue(Eventually.within(Duration.ofSeconds(10),
          () -> rule(budgets(server.httpPort()), RULE).getAsJsonArray("buckets").size() > 0));
      JsonObject after = budgets(server.httpPort());
      assertFalse(after.get("fleetWide").getAsBoolean());
      assertEquals("in-memory", after.get("store").getAsString());
      JsonObject bucket = onlyBucket(after);
      assertEquals(RULE, bucket.get("descriptor").getAsString());
      assertEquals(40, bucket.get("capacity").getAsLong());
      assertEquals(0, bucket.get("tokensLeft").getAsLong());
      assertEquals(40, bucket.get("admittedLast10s").getAsLong());
      assertEquals(3, bucket.get("deniedLast10s").getAsLong());
      assertEquals(60, bucket.getAsJsonObject("lastMinute").getAsJsonArray("admitted").size());
      assertTrue(bucket.get("fullInSeconds").getAsDouble() > 3500, bucket.toString());
      assertEquals("geocode: 0 of 40 left, full again in 60 min, 3 denied in the last 10 s",
          bucket.get("summary").getAsString());
    }
  }

  @Test
  void aBrowserGetsASelfContainedPageAndNothingButGetIsAnswered() throws Exception {
    try (RateLimitServer server = RateLimitServer.start(ServerSettings.inMemory(config(), 0, 0))) {
      HttpResponse<String> page = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/budgets"))
              .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""));
      assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").startsWith("default-src 'none'"));
      assertTrue(page.body().contains("<script>") && page.body().contains("<style>"));
      assertFalse(page.body().matches("(?s).*(src|href)=\"?https?:.*"), "loads nothing from elsewhere");

      HttpResponse<String> post = Http.post(server.httpPort(), "/budgets", "{}");
      assertEquals(405, post.statusCode());
      assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
    }
  }

  /** The geocode bucket's stored state: the token bucket of 40 per hour, burst 40, of domain geocode. */
  private static Object[] keysAndValues(RedisServerProcess redis) {
    String key = "ratelimit:{geocode}geocode|generic_key=geocode#t40/3600b40";
    return new Object[] {key, RespClient.text(redis.port(), "GET", key)};
  }

  @Test
  void onRedisTheTokensLeftAreTheFleetsAndTheRatesEachReplicasOwn() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      RedisStoreSettings store = new RedisStoreSettings(redis.url(), RedisTopology.SINGLE, Optional.empty(),
          "ratelimit:", Duration.ofSeconds(1), 2);
      ServerSettings settings = ServerSettings.inMemory(config(), 0, 0).withRedis(store);
      try (RateLimitServer one = RateLimitServer.start(settings);
          RateLimitServer two = RateLimitServer.start(settings);
          RlsTestClient rlsOne = RlsTestClient.plaintext(one.grpcPort());
          RlsTestClient rlsTwo = RlsTestClient.plaintext(two.grpcPort())) {
        assertEquals(5, spend(rlsOne, 5));
        assertEquals(7, spend(rlsTwo, 7));

        JsonObject seenByOne = budgets(one.httpPort());
        assertTrue(seenByOne.get("fleetWide").getAsBoolean());
        JsonObject bucketOne = onlyBucket(seenByOne);
        assertEquals(28, bucketOne.get("tokensLeft").getAsLong(), "40 less what both replicas spent");
        assertEquals(5, bucketOne.get("admittedLast10s").getAsLong(), "this replica's own decisions");
        JsonObject bucketTwo = onlyBucket(budgets(two.httpPort()));
        assertEquals(28, bucketTwo.get("tokensLeft").getAsLong());
        assertEquals(7, bucketTwo.get("admittedLast10s").getAsLong());

        String commands = RespClient.text(redis.port(), "INFO", "commandstats");
        assertTrue(commands.contains("cmdstat_evalsha_ro"), "read with a read-only script: " + commands);
        assertFalse(commands.contains("cmdstat_keys") || commands.contains("cmdstat_scan"), commands);
        // The replicas' own warm-up buckets expire within seconds; only then is the store still.
        assertTrue(one.awaitReady(Duration.ofSeconds(60)) && two.awaitReady(Duration.ofSeconds(60)));
        assertTrue(io.egressratelimit.testing.Eventually.within(Duration.ofSeconds(60),
            () -> ((java.util.List<?>) RespClient.call(redis.port(), "KEYS", "*{_ratelimit_warmup}*")).isEmpty()));
        Object[] stored = keysAndValues(redis);
        assertTrue(String.valueOf(stored[1]).startsWith("g"), "the bucket is stored: " + stored[1]);
        Http.get(one.httpPort(), "/budgets");
        Thread.sleep(1100); // past the view's one-second cache, so the next look reads the store again
        Http.get(one.httpPort(), "/budgets");
        assertEquals(java.util.Arrays.deepToString(stored), java.util.Arrays.deepToString(keysAndValues(redis)),
            "looking wrote nothing");
      }
    }
  }
}
