package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Geocode calls through a running gateway, and what the stub upstream counted of them. Safe for several threads. */
final class GatewayCalls {
  /** A fixed coordinate: the same URL on every call, which the response cache may answer. */
  static final String STATIC_LATLNG = "40.714224,-73.961452";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String envoy;
  private final String upstream;

  GatewayCalls(String envoy, String upstream) {
    this.envoy = envoy;
    this.upstream = upstream;
  }

  /** A distinct coordinate on each call, so the response cache never answers in the limiter's place. */
  HttpResponse<String> call(String... headers) throws IOException, InterruptedException {
    return at("37." + (100000 + SEQUENCE.incrementAndGet()) + ",-122.400860", headers);
  }

  /** A call for one coordinate, with extra request headers (name, value, ...). */
  HttpResponse<String> at(String latlng, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create(envoy + "/maps/api/geocode/json?latlng=" + latlng + "&key=test"))
        .timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Calls until one is admitted (bounded): proves the route reaches the upstream at all. */
  HttpResponse<String> firstAdmitted(int attempts, Duration pause, String... headers)
      throws IOException, InterruptedException {
    HttpResponse<String> response = call(headers);
    for (int attempt = 0; response.statusCode() != 200 && attempt < attempts; attempt++) {
      Thread.sleep(pause.toMillis());
      response = call(headers);
    }
    return response;
  }

  /** The most calls the stub upstream saw in any window of this length. */
  long upstreamMaxInWindow(String window) throws IOException, InterruptedException {
    HttpResponse<String> stats = http.send(
        HttpRequest.newBuilder(URI.create(upstream + "/stats?window=" + window)).build(), HttpResponse.BodyHandlers.ofString());
    Matcher matcher = Pattern.compile("\"maxInWindow\"\\s*:\\s*(\\d+)").matcher(stats.body());
    assertTrue(matcher.find(), "maxInWindow in " + stats.body());
    return Long.parseLong(matcher.group(1));
  }
}
