package io.egressratelimit.loadgen.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpCallerTest {
  private static final LatLng POINT = new LatLng(1.5, -2.25);

  @Test
  void buildsTheGeocodePathUnderTheBaseWithTheKeyEncoded() {
    ApiKey key = ApiKey.resolve(null, Map.of(ApiKey.ENV_VAR, "a+b/c")).orElseThrow();
    HttpCaller caller = caller("http://127.0.0.1:10000", Optional.of(key));
    assertEquals(
        "http://127.0.0.1:10000/maps/api/geocode/json?latlng=1.500000,-2.250000&key=a%2Bb%2Fc",
        caller.uriFor(POINT).toString());
  }

  @Test
  void keepsABasePathAndLeavesOutAMissingKey() {
    assertEquals(
        "https://gw.example:8443/egress/maps/api/geocode/json?latlng=1.500000,-2.250000",
        caller("https://gw.example:8443/egress/", Optional.empty()).uriFor(POINT).toString());
  }

  @Test
  void statusClasses() {
    assertEquals(Outcome.ADMITTED, HttpCaller.outcomeOf(200));
    assertEquals(Outcome.ADMITTED, HttpCaller.outcomeOf(204));
    assertEquals(Outcome.REJECTED, HttpCaller.outcomeOf(429));
    assertEquals(Outcome.SERVER_ERROR, HttpCaller.outcomeOf(500));
    assertEquals(Outcome.SERVER_ERROR, HttpCaller.outcomeOf(503));
    assertEquals(Outcome.OTHER_STATUS, HttpCaller.outcomeOf(404));
    assertEquals(Outcome.OTHER_STATUS, HttpCaller.outcomeOf(302));
  }

  private static HttpCaller caller(String base, Optional<ApiKey> key) {
    return new HttpCaller(
        HttpCaller.newClient(Duration.ofSeconds(1)), URI.create(base), key, Duration.ofSeconds(1), Clock.systemUTC());
  }
}
