package io.egressratelimit.loadgen.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The stub as a usage-priced API: each call reports its cost, and /stats sums the cost served. */
class UsagePricedStubTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyCallReportsACostInRangeAndStatsSumWhatWasServed() throws Exception {
    try (StubUpstream stub = StubUpstream.start("127.0.0.1", 0, 2, Optional.of(UsageCost.parse("50-4000", 7)))) {
      String base = "http://127.0.0.1:" + stub.port();
      long sum = 0;
      long largest = 0;
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        long tokens = Long.parseLong(response.headers().firstValue(UsageCost.HEADER).orElseThrow());
        assertTrue(tokens >= 50 && tokens <= 4000, "drawn from 50-4000: " + tokens);
        assertEquals(tokens, JsonParser.parseString(response.body()).getAsJsonObject()
            .getAsJsonObject("usage").get("total_tokens").getAsLong(), "the body reports the same usage");
        sum += tokens;
        largest = Math.max(largest, tokens);
      }
      JsonObject stats = JsonParser.parseString(
          http.send(HttpRequest.newBuilder(URI.create(base + "/stats?window=1h")).build(),
              HttpResponse.BodyHandlers.ofString()).body()).getAsJsonObject();
      assertEquals(20, stats.get("total").getAsLong());
      assertEquals(sum, stats.get("totalCost").getAsLong());
      assertEquals(sum, stats.get("maxCostInWindow").getAsLong(), "every call in one hour-long window");
      assertEquals(largest, stats.get("maxCost").getAsLong());
    }
  }

  @Test
  void theCostInAWindowSlides() {
    long[] clock = {0};
    ArrivalLog log = new ArrivalLog(java.time.Clock.fixed(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC), () -> clock[0]);
    long[][] calls = {{0, 100}, {400, 300}, {900, 50}, {1_300, 500}, {2_500, 10}};
    for (long[] call : calls) {
      clock[0] = call[0] * 1_000_000L;
      log.recordNow(call[1]);
    }
    ArrivalLog.CostStats cost = log.costStats(java.time.Duration.ofSeconds(1), java.time.Duration.ZERO, 0);
    assertEquals(960, cost.total());
    assertEquals(850, cost.maxInWindow(), "[400 ms, 1400 ms) holds 300 + 50 + 500");
    assertEquals(500, cost.maxCall());
  }

  @Test
  void aMalformedRangeIsRefusedWithWhatWasExpected() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> UsageCost.parse("lots", 1));
    assertEquals("expected MIN-MAX in whole numbers, e.g. 50-4000, got 'lots'", error.getMessage());
    assertThrows(IllegalArgumentException.class, () -> UsageCost.parse("400-50", 1));
  }
}
