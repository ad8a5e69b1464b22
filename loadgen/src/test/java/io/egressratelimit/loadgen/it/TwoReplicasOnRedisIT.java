package io.egressratelimit.loadgen.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.egressratelimit.loadgen.cli.LoadgenCommand;
import io.egressratelimit.loadgen.upstream.StubUpstream;
import io.egressratelimit.loadgen.upstream.UpstreamStats;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.redis.RedisServerProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product's promise, end to end: two service replicas sharing one strict budget in a real
 * Redis, six backoff-aware workers spreading their calls over both replicas as Envoy's filter would,
 * and the stub upstream, which times every call that got through, as the judge.
 */
class TwoReplicasOnRedisIT {
  private static final int BUDGET = 20;
  private static final Duration WINDOW = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void upstreamNeverSeesMoreThanTheBudgetInAnyWindow() throws Exception {
    Path limits = Files.createDirectory(dir.resolve("limits"));
    Files.writeString(limits.resolve("geocode.yaml"), String.join("\n",
        "domain: geocode",
        "descriptors:",
        "  - key: generic_key",
        "    value: geocode",
        "    rate_limit:",
        "      period: 10s",
        "      requests_per_unit: " + BUDGET,
        "      algorithm: strict",
        // a small burst refills fast (18 per 10s), so the budget is spent right up to its edge
        "      burst: 2",
        ""));
    try (RedisServerProcess redis = RedisServerProcess.start();
        ServiceProcess first = replica("replica-1", limits, redis.url());
        ServiceProcess second = replica("replica-2", limits, redis.url());
        StubUpstream upstream = StubUpstream.start("127.0.0.1", 0, 4)) {
      Path summary = dir.resolve("summary.json");
      StringWriter out = new StringWriter();
      int exit = LoadgenCommand.execute(
          new String[] {
            "rls", "--rls", first.grpcTarget(), "--rls", second.grpcTarget(),
            "--upstream", "http://127.0.0.1:" + upstream.port(),
            "--workers", "6", "--duration", "20s", "--start-jitter", "2s",
            "--budget", Integer.toString(BUDGET), "--window", "10s", "--failure-mode-deny",
            "--json", summary.toString()
          },
          Map.of("GEOCODE_API_KEY", "integration-test-key"), false, new PrintWriter(out, true), new PrintWriter(out, true));

      System.out.print(out); // the run's own summary, kept in the failsafe report

      // the loadgen's default grace (100ms) allows for transit jitter between decision and arrival
      UpstreamStats seen = upstream.arrivals().stats(WINDOW, Duration.ofMillis(100), 0);
      assertTrue(seen.maxInWindow() <= BUDGET, "upstream saw " + seen.maxInWindow() + " in a window\n" + out);
      assertTrue(seen.total() > BUDGET, "the run must span more than one window's budget to test anything\n" + out);
      assertEquals(0, exit, out.toString());
      JsonObject json = JsonParser.parseString(Files.readString(summary)).getAsJsonObject();
      assertTrue(json.get("status429").getAsLong() > 0, "no 429s: the budget was never tested\n" + out);
      assertEquals(seen.total(), json.get("status2xx").getAsLong(), "every admitted call reached the upstream");
    }
  }

  /** A replica started from the service's packaged jar, as a user would start it. */
  private ServiceProcess replica(String name, Path limits, String redisUrl) {
    return ServiceProcess.fromPackagedJarOnFreePorts(name, dir, List.of(), "--config", limits.toString(),
        "--redis-url", redisUrl);
  }
}
