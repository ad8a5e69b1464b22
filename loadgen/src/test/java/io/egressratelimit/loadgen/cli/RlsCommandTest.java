package io.egressratelimit.loadgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.egressratelimit.loadgen.rls.TestRateLimitServer;
import io.egressratelimit.loadgen.upstream.StubUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loadgen rls} end to end: a real gRPC service on a free port, the real stub upstream. */
class RlsCommandTest {
  private static final String SECRET = "key-that-must-never-show";

  @TempDir Path dir;
  private StubUpstream upstream;
  private Path keyFile;

  @BeforeEach
  void start() throws Exception {
    upstream = StubUpstream.start("127.0.0.1", 0, 2);
    keyFile = Files.writeString(dir.resolve("api-key"), SECRET + "\n");
  }

  @AfterEach
  void stop() {
    upstream.close();
  }

  @Test
  void budgetHeldIsJudgedByTheUpstreamAndWrittenOut() throws Exception {
    try (TestRateLimitServer rls = TestRateLimitServer.allowingFirst(5, Duration.ofMillis(20))) {
      CommandRun run = run(rls, "--requests", "12", "--budget", "5");
      assertEquals(ExitCodes.BUDGET_HELD, run.exitCode(), run.err() + run.out());
      assertTrue(run.out().contains("budget held: max 5 admitted in any 10s window (budget 5)"), run.out());
      assertTrue(run.out().contains("admitted          5 (counted by the upstream stub)"), run.out());
      assertEquals(12, rls.received().size());
      assertFalse(rls.warmups().isEmpty(), "the client warmed its path before the counted run");
      assertTrue(rls.warmups().stream().allMatch(r -> r.getDomain().equals("_ratelimit_warmup")),
          "warm-up calls stay in the reserved domain");

      JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("summary.json"))).getAsJsonObject();
      assertEquals(12, json.get("sent").getAsLong());
      assertEquals(5, json.get("status2xx").getAsLong());
      assertEquals(7, json.get("status429").getAsLong());
      assertEquals(12, json.getAsJsonObject("decisionLatencyMillis").get("count").getAsLong(), "every call was decided");
      assertEquals(5, json.getAsJsonObject("upstreamLatencyMillis").get("count").getAsLong(), "only admitted calls go on");
      assertTrue(run.out().contains("decision latency  p50 "), run.out());
      assertTrue(run.out().contains("upstream latency  p50 "), run.out());
      assertEquals("upstream", json.getAsJsonObject("verdict").get("source").getAsString());
      String html = Files.readString(dir.resolve("report.html"));
      assertTrue(html.contains("data-series=\"admitted\""));

      for (String text : new String[] {run.out(), run.err(), Files.readString(dir.resolve("summary.json")), html}) {
        assertFalse(text.contains(SECRET), "the API key leaked");
      }
    }
  }

  @Test
  void budgetExceededExitsOne() throws Exception {
    try (TestRateLimitServer rls = TestRateLimitServer.allowingFirst(1_000, Duration.ZERO)) {
      CommandRun run = run(rls, "--requests", "8", "--budget", "5");
      assertEquals(ExitCodes.BUDGET_EXCEEDED, run.exitCode(), run.err() + run.out());
      assertTrue(run.out().contains("BUDGET EXCEEDED: max 8 admitted in a 10s window (budget 5)"), run.out());
    }
  }

  @Test
  void failureModeDenyOnMissedDeadlinesAdmitsNothing() throws Exception {
    try (TestRateLimitServer rls = TestRateLimitServer.hanging()) {
      CommandRun run =
          CommandRun.of("rls", "--rls", rls.target(), "--upstream", upstreamUrl(), "--api-key-file", keyFile.toString(),
              "--requests", "3", "--workers", "1", "--interval", "1ms", "--start-jitter", "0s", "--max-backoff", "1ms",
              "--rls-timeout", "20ms", "--failure-mode-deny", "--budget", "5");
      assertEquals(ExitCodes.NOTHING_ADMITTED, run.exitCode(), run.err() + run.out());
      assertTrue(run.out().contains("rls failures      3"), run.out());
      assertTrue(run.out().contains("errors            3"), run.out());
      assertEquals(0, upstream.arrivals().stats(Duration.ofSeconds(10), Duration.ZERO, 0).total());
    }
  }

  @Test
  void unreachableServiceIsOneReadableLine() throws Exception {
    TestRateLimitServer gone = TestRateLimitServer.allowingFirst(1, Duration.ZERO);
    gone.close();
    CommandRun run = CommandRun.of("rls", "--rls", gone.target(), "--requests", "1");
    assertEquals(ExitCodes.USAGE, run.exitCode());
    assertEquals("loadgen: rate limit service not reachable at [" + gone.target() + "] (waited 5s)", run.err().strip());
  }

  @Test
  void badOptionsAreNamed() {
    CommandRun run = CommandRun.of("rls", "--rls", "127.0.0.1:8081", "--descriptor", "generic_key");
    assertEquals(ExitCodes.USAGE, run.exitCode());
    assertTrue(run.err().startsWith("loadgen: Invalid value for option '--descriptor'"), run.err());
    assertFalse(run.err().contains("Exception"), run.err());

    CommandRun grace = CommandRun.of("rls", "--rls", "127.0.0.1:8081", "--window", "1s", "--grace", "2s");
    assertEquals(ExitCodes.USAGE, grace.exitCode());
    assertTrue(grace.err().startsWith("loadgen: --grace must be shorter than --window"), grace.err());
  }

  private CommandRun run(TestRateLimitServer rls, String... extra) {
    String[] base = {
      "rls", "--rls", rls.target(), "--upstream", upstreamUrl(), "--api-key-file", keyFile.toString(),
      "--workers", "2", "--interval", "5ms", "--start-jitter", "0s", "--max-backoff", "20ms",
      "--rls-timeout", "5s", "--seed", "1",
      "--json", dir.resolve("summary.json").toString(), "--report", dir.resolve("report.html").toString()
    };
    String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CommandRun.of(args);
  }

  private String upstreamUrl() {
    return "http://127.0.0.1:" + upstream.port();
  }
}
