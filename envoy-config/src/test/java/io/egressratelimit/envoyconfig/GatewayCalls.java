package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Geocode calls through a running gateway, and what the stub upstream counted of them. */
final class GatewayCalls {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String envoy;
  private final String upstream;
  private int sequence;

  GatewayCalls(String envoy, String upstream) {
    this.envoy = envoy;
    this.upstream = upstream;
  }

  /** A distinct coordinate on each call, so the response cache never answers in the limiter's place. */
  HttpResponse<String> call() throws IOException, InterruptedException {
    String latlng = "37." + (100000 + sequence++) + ",-122.400860";
    HttpRequest request = HttpRequest.newBuilder(URI.create(envoy + "/maps/api/geocode/json?latlng=" + latlng + "&key=test"))
        .timeout(Duration.ofSeconds(10))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Calls until one is admitted (bounded): proves the route reaches the upstream at all. */
  HttpResponse<String> firstAdmitted(int attempts, Duration pause) throws IOException, InterruptedException {
    HttpResponse<String> response = call();
    for (int attempt = 0; response.statusCode() == 429 && attempt < attempts; attempt++) {
      Thread.sleep(pause.toMillis());
      response = call();
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
