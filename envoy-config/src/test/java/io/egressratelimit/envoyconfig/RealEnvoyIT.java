package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.egressratelimit.testing.ChildProcess;
import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.JavaCommand;
import io.egressratelimit.testing.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * The real thing: the official Envoy image runs envoy-local.yaml in front of the service (with the
 * shipped limits/) and the stub upstream, and calls over the budget come back 429 with the
 * X-RateLimit headers, while the upstream never sees more than the budget.
 */
class RealEnvoyIT {
  private static final DockerImageName ENVOY_IMAGE =
      DockerImageName.parse(System.getProperty("envoy.image", "envoyproxy/envoy:v1.34-latest"));
  private static final int LISTENER_PORT = 10000;
  private static final int OBSERVABILITY_PORT = 9902;
  /** limits/geocode.yaml: at most 5 calls in any 15 s. */
  private static final int GLOBAL_BUDGET = 5;
  private static final int BURST = 12;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void callsOverTheBudgetGet429WithRateLimitHeaders() throws Exception {
    assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
        "no Docker engine: this test runs Envoy from the " + ENVOY_IMAGE + " image");
    Path logs = Files.createDirectories(EnvoyFiles.moduleDir().resolve("target/it-logs"));
    int upstreamPort = FreePort.find();
    try (ServiceProcess service = ServiceProcess.onFreePorts("ratelimit-service", logs, Map.of(),
            "--config", EnvoyFiles.limitsDir().toString());
        ChildProcess upstream = ChildProcess.start("stub-upstream", JavaCommand.mainClass(List.of(),
            "io.egressratelimit.loadgen.Main", List.of("upstream", "--port", String.valueOf(upstreamPort))),
            Optional.empty(), logs.resolve("stub-upstream.log"))) {
      upstream.awaitListening(upstreamPort, START_TIMEOUT);
      int grpcPort = service.grpcPort();
      Testcontainers.exposeHostPorts(grpcPort, upstreamPort);
      String config = ContainerBootstrap.json(
          BootstrapLoader.load(EnvoyFiles.envoyFile(EnvoyFiles.LOCAL)).bootstrap(),
          "host.testcontainers.internal",
          Map.of("ratelimit", grpcPort, "geocode_upstream", upstreamPort));
      try (GenericContainer<?> envoy = new GenericContainer<>(ENVOY_IMAGE)
          .withCopyToContainer(Transferable.of(config), "/etc/envoy/envoy.json")
          .withCommand("-c", "/etc/envoy/envoy.json", "--log-level", "warn")
          .withExposedPorts(LISTENER_PORT, OBSERVABILITY_PORT)
          .waitingFor(Wait.forHttp("/ready").forPort(OBSERVABILITY_PORT).forStatusCode(200)
              .withStartupTimeout(START_TIMEOUT))) {
        envoy.start();
        String base = "http://" + envoy.getHost() + ":" + envoy.getMappedPort(LISTENER_PORT);
        assertBudgetHolds(base, "http://127.0.0.1:" + upstreamPort);
      }
    }
  }

  private void assertBudgetHolds(String envoy, String upstream) throws IOException, InterruptedException {
    // Strict buckets start empty, so the first admission may take a few seconds: wait for one
    // (bounded), which also proves the route reaches the upstream at all.
    int sequence = 0;
    HttpResponse<String> first = call(envoy, sequence++);
    for (int attempt = 0; first.statusCode() == 429 && attempt < 60; attempt++) {
      Thread.sleep(500);
      first = call(envoy, sequence++);
    }
    assertEquals(200, first.statusCode(), "a call within the budget goes through; body: " + first.body());

    List<HttpResponse<String>> burst = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      burst.add(call(envoy, sequence++));
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

    HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create(upstream + "/stats?window=15s")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(numberIn(stats.body(), "maxInWindow") <= GLOBAL_BUDGET, "upstream stats: " + stats.body());
  }

  /** A distinct coordinate on each call, so the response cache never answers in the limiter's place. */
  private HttpResponse<String> call(String envoy, int sequence) throws IOException, InterruptedException {
    String latlng = "37." + (100000 + sequence) + ",-122.400860";
    HttpRequest request = HttpRequest.newBuilder(URI.create(envoy + "/maps/api/geocode/json?latlng=" + latlng + "&key=test"))
        .timeout(Duration.ofSeconds(10))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static long numberIn(String json, String field) {
    Matcher matcher = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
    assertTrue(matcher.find(), field + " in " + json);
    return Long.parseLong(matcher.group(1));
  }
}
