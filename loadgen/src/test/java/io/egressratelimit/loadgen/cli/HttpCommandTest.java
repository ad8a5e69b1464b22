package io.egressratelimit.loadgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;
import io.egressratelimit.loadgen.traffic.ApiKey;
import io.egressratelimit.loadgen.upstream.StubUpstream;
import io.egressratelimit.loadgen.upstream.UsageCost;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code loadgen http} end to end over real sockets. */
class HttpCommandTest {
  private static final String SECRET = "env-key-never-shown";

  @Test
  void countsAdmittedAndRejectedAgainstALimitingTarget() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<String> queries = new CopyOnWriteArrayList<>();
    HttpServer target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    target.createContext("/", exchange -> {
      queries.add(exchange.getRequestURI().getRawQuery());
      if (calls.incrementAndGet() <= 3) {
        exchange.sendResponseHeaders(200, -1);
      } else {
        exchange.getResponseHeaders().set("Retry-After", "0");
        exchange.sendResponseHeaders(429, -1);
      }
      exchange.close();
    });
    target.start();
    try {
      CommandRun run = CommandRun.of(Map.of(ApiKey.ENV_VAR, SECRET),
          "http", "--target", "http://127.0.0.1:" + target.getAddress().getPort(),
          "--requests", "10", "--workers", "1", "--interval", "5ms", "--start-jitter", "0s",
          "--static-every", "2", "--budget", "3", "--seed", "9");
      assertEquals(ExitCodes.BUDGET_HELD, run.exitCode(), run.err() + run.out());
      assertTrue(run.out().contains("2xx               3"), run.out());
      assertTrue(run.out().contains("429               7"), run.out());
      assertTrue(run.out().contains("admitted          3 (counted by the client count)"), run.out());
      assertTrue(run.out().contains("decision latency  inside Envoy, not seen here"), run.out());
      assertTrue(run.out().contains("budget held: max 3 admitted in any 10s window (budget 3)"), run.out());
      assertEquals(10, queries.size());
      assertTrue(queries.stream().allMatch(q -> q.endsWith("&key=" + SECRET)), "the key goes to the target");
      // the worker's 2nd, 4th.. call asks for the static coordinate: 5 of 10
      assertEquals(5, queries.stream().filter(q -> q.startsWith("latlng=37.789980,-122.400860&")).count());
      assertFalse(run.out().contains(SECRET) || run.err().contains(SECRET), "the API key leaked");
    } finally {
      target.stop(0);
    }
  }

  @Test
  void verdictComesFromTheStubWhenOneIsNamed() throws Exception {
    try (StubUpstream stub = StubUpstream.start("127.0.0.1", 0, 2)) {
      String url = "http://127.0.0.1:" + stub.port();
      CommandRun run = CommandRun.of(Map.of(ApiKey.ENV_VAR, SECRET),
          "http", "--target", url, "--upstream", url, "--requests", "6", "--workers", "3",
          "--interval", "5ms", "--start-jitter", "0s", "--budget", "4");
      assertEquals(ExitCodes.BUDGET_EXCEEDED, run.exitCode(), run.err() + run.out());
      assertTrue(run.out().contains("admitted          6 (counted by the upstream stub)"), run.out());
      assertTrue(run.out().contains("BUDGET EXCEEDED: max 6 admitted in a 10s window (budget 4)"), run.out());
    }
  }

  @Test
  void costServedIsJudgedAgainstItsBound() throws Exception {
    try (StubUpstream stub = StubUpstream.start("127.0.0.1", 0, 2, Optional.of(new UsageCost(100, 100, 1)))) {
      String url = "http://127.0.0.1:" + stub.port();
      Path json = Files.createTempFile("loadgen-cost", ".json");
      Path report = Files.createTempFile("loadgen-cost", ".html");
      CommandRun held = CommandRun.of(Map.of(ApiKey.ENV_VAR, SECRET),
          "http", "--target", url, "--path", "/v1/chat/completions", "--upstream", url, "--requests", "6",
          "--workers", "3", "--interval", "5ms", "--start-jitter", "0s", "--budget", "6",
          "--cost-budget", "500", "--cost-bound", "600", "--json", json.toString(), "--report", report.toString());
      assertEquals(ExitCodes.BUDGET_HELD, held.exitCode(), held.err() + held.out());
      assertTrue(held.out().contains("cost held: max 600 served in any 10s window (budget 500, bound 600)"), held.out());
      JsonObject cost = JsonParser.parseString(Files.readString(json)).getAsJsonObject()
          .getAsJsonObject("verdict").getAsJsonObject("cost");
      assertEquals(600, cost.get("total").getAsLong(), cost.toString());
      assertEquals(600, cost.get("maxInWindow").getAsLong(), cost.toString());
      assertEquals(100, cost.get("maxCall").getAsLong(), cost.toString());
      assertEquals(500, cost.get("budget").getAsLong(), cost.toString());
      assertEquals(600, cost.get("bound").getAsLong(), cost.toString());
      assertTrue(cost.get("held").getAsBoolean(), cost.toString());
      long perSecondSum = 0;
      for (var second : cost.getAsJsonArray("perSecond")) {
        perSecondSum += second.getAsLong();
      }
      assertEquals(600, perSecondSum, cost.toString());
      String html = Files.readString(report);
      assertTrue(html.contains("<h2>Cost served per second</h2>"), html);
      assertTrue(html.contains("cost held: max 600 served in any 10s window (budget 500, bound 600)"), html);

      CommandRun exceeded = CommandRun.of(Map.of(ApiKey.ENV_VAR, SECRET),
          "http", "--target", url, "--path", "/v1/chat/completions", "--upstream", url, "--requests", "6",
          "--workers", "3", "--interval", "5ms", "--start-jitter", "0s", "--budget", "20",
          "--cost-budget", "500", "--cost-bound", "1100");
      assertEquals(ExitCodes.BUDGET_EXCEEDED, exceeded.exitCode(), exceeded.err() + exceeded.out());
      assertTrue(exceeded.out().contains("COST BOUND EXCEEDED: max 1200 served in a 10s window (budget 500, bound 1100)"),
          exceeded.out());
      Files.deleteIfExists(json);
      Files.deleteIfExists(report);
    }
  }

  @Test
  void aCostBoundWithoutAUsagePricedUpstreamIsRefused() throws Exception {
    try (StubUpstream stub = StubUpstream.start("127.0.0.1", 0, 2)) {
      String url = "http://127.0.0.1:" + stub.port();
      CommandRun run = CommandRun.of(Map.of(ApiKey.ENV_VAR, SECRET),
          "http", "--target", url, "--upstream", url, "--requests", "1", "--cost-bound", "100");
      assertEquals(ExitCodes.USAGE, run.exitCode(), run.err() + run.out());
      assertTrue(run.err().contains("it reports no cost (start the stub with --usage)"), run.err());
    }
  }

  @Test
  void aCostBoundBelowItsBudgetIsRefused() {
    CommandRun run = CommandRun.of("http", "--target", "http://127.0.0.1:9", "--requests", "1",
        "--cost-budget", "100", "--cost-bound", "50");
    assertEquals(ExitCodes.USAGE, run.exitCode(), run.err() + run.out());
    assertTrue(run.err().contains("--cost-bound must be at least --cost-budget"), run.err());
  }

  @Test
  void anUnreachableUpstreamIsOneReadableLine() {
    CommandRun run = CommandRun.of("http", "--target", "http://127.0.0.1:9", "--upstream", "http://127.0.0.1:9", "--requests", "1");
    assertEquals(ExitCodes.USAGE, run.exitCode());
    assertEquals("loadgen: cannot reach the upstream given with --upstream; is it running?", run.err().strip());
  }

  @Test
  void aMissingKeyFileIsNamed() {
    CommandRun run = CommandRun.of("http", "--target", "http://127.0.0.1:9", "--api-key-file", "/nonexistent/key");
    assertEquals(ExitCodes.USAGE, run.exitCode());
    assertEquals("loadgen: --api-key-file /nonexistent/key: no such file", run.err().strip());
  }

  @Test
  void aTargetUrlIsNeverEchoed() {
    CommandRun run = CommandRun.of("http", "--target", "http://127.0.0.1:9/?key=" + SECRET);
    assertEquals(ExitCodes.USAGE, run.exitCode());
    assertFalse(run.err().contains(SECRET), run.err());
  }
}
