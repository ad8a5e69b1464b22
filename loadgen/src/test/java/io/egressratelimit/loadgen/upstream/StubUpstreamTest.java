package io.egressratelimit.loadgen.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StubUpstreamTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private StubUpstream stub;

  @BeforeEach
  void start() throws IOException {
    stub = StubUpstream.start("127.0.0.1", 0, 2);
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  @Test
  void answersAReverseGeocodeLikeTheApi() throws Exception {
    HttpResponse<String> response = get("/maps/api/geocode/json?latlng=37.789980,-122.400860&key=k");
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    assertEquals("public, max-age=300", response.headers().firstValue("Cache-Control").orElse(""));
    JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
    assertEquals("OK", body.get("status").getAsString());
    JsonObject result = body.getAsJsonArray("results").get(0).getAsJsonObject();
    JsonObject location = result.getAsJsonObject("geometry").getAsJsonObject("location");
    assertEquals(37.789980, location.get("lat").getAsDouble(), 1e-9);
    assertEquals(-122.400860, location.get("lng").getAsDouble(), 1e-9);
    assertTrue(result.get("formatted_address").getAsString().length() > 10);
    assertTrue(result.getAsJsonArray("address_components").size() > 3);
    // the same coordinate gets the same answer, as a cache in front would expect
    assertEquals(response.body(), get("/maps/api/geocode/json?latlng=37.789980,-122.400860&key=k").body());
  }

  @Test
  void refusesABadCoordinateOrAMissingKeyAsTheApiDoes() throws Exception {
    HttpResponse<String> bad = get("/maps/api/geocode/json?latlng=100,0&key=k");
    assertEquals(400, bad.statusCode());
    assertEquals("INVALID_REQUEST", JsonParser.parseString(bad.body()).getAsJsonObject().get("status").getAsString());
    assertEquals("no-store", bad.headers().firstValue("Cache-Control").orElse(""));
    HttpResponse<String> keyless = get("/maps/api/geocode/json?latlng=1,2");
    assertEquals("REQUEST_DENIED", JsonParser.parseString(keyless.body()).getAsJsonObject().get("status").getAsString());
    assertEquals("no-store", keyless.headers().firstValue("Cache-Control").orElse(""));
  }

  @Test
  void statsCountEveryGeocodeRequestAndNothingElse() throws Exception {
    get("/maps/api/geocode/json?latlng=1,2&key=k");
    get("/maps/api/geocode/json?latlng=100,0&key=k");
    get("/maps/api/geocode/json?latlng=1,2");
    get("/healthz");
    get("/elsewhere");
    HttpResponse<String> response = get("/stats?window=10s");
    assertEquals(200, response.statusCode());
    UpstreamStats stats = UpstreamStats.fromJson(response.body());
    assertEquals(3, stats.total());
    assertEquals(3, stats.maxInWindow());
    assertEquals(Duration.ofSeconds(10), stats.window());
    JsonObject raw = JsonParser.parseString(response.body()).getAsJsonObject();
    assertEquals(10, raw.get("windowSeconds").getAsInt());
  }

  @Test
  void statsSinceTheFutureAreEmpty() throws Exception {
    get("/maps/api/geocode/json?latlng=1,2&key=k");
    long later = System.currentTimeMillis() + 60_000;
    UpstreamStats stats = UpstreamStats.fromJson(get("/stats?window=10s&since=" + later).body());
    assertEquals(0, stats.total());
  }

  @Test
  void badStatsParametersGetAReadable400() throws Exception {
    HttpResponse<String> response = get("/stats?window=ten");
    assertEquals(400, response.statusCode());
    assertEquals(
        "'ten' is not a duration: use a number and a unit, e.g. 500ms, 10s, 2m, 1h",
        JsonParser.parseString(response.body()).getAsJsonObject().get("error").getAsString());
    assertEquals(400, get("/stats?window=1s&grace=1s").statusCode());
    assertEquals(400, get("/stats?since=yesterday").statusCode());
  }

  @Test
  void healthAndUnknownPaths() throws Exception {
    assertEquals(200, get("/healthz").statusCode());
    assertEquals(404, get("/nope").statusCode());
  }

  private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + stub.port() + pathAndQuery);
    return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }
}
