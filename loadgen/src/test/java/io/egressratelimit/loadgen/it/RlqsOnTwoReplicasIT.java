package io.egressratelimit.loadgen.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * RLQS end to end: three simulated Envoys with the rate_limit_quota filter stream to two service
 * replicas sharing one Redis; all demand sits on the first Envoy, then moves to the last. The stub
 * upstream, which times every call that got through, never sees more than the budget's bound, and
 * the last Envoy gets a share once the demand is there. How long the share took to follow is a
 * figure the run prints (kept in the failsafe report), not asserted: the box is noisy.
 */
class RlqsOnTwoReplicasIT {
  /** token_bucket, 20 per 10 s, burst 20: at most 20 + 20 in any 10 s. */
  private static final int BOUND_PER_WINDOW = 40;
  private static final Duration WINDOW = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void theFleetStaysWithinTheBudgetWhileDemandMoves() throws Exception {
    Path limits = Files.createDirectory(dir.resolve("limits"));
    Files.writeString(limits.resolve("geocode.yaml"), String.join("\n",
        "domain: geocode",
        "descriptors:",
        "  - key: generic_key",
        "    value: geocode",
        "    rate_limit:",
        "      period: 10s",
        "      requests_per_unit: 20",
        "      algorithm: token_bucket",
        "      burst: 20",
        "      rlqs: true",
        ""));
    try (RedisServerProcess redis = RedisServerProcess.start();
        ServiceProcess first = ServiceProcess.fromPackagedJarOnFreePorts("replica-1", dir, List.of(),
            "--config", limits.toString(), "--redis-url", redis.url());
        ServiceProcess second = ServiceProcess.fromPackagedJarOnFreePorts("replica-2", dir, List.of(),
            "--config", limits.toString(), "--redis-url", redis.url());
        StubUpstream upstream = StubUpstream.start("127.0.0.1", 0, 4)) {
      StringWriter out = new StringWriter();
      int exit = LoadgenCommand.execute(
          new String[] {
            "rlqs", "--rlqs", first.grpcTarget(), "--rlqs", second.grpcTarget(), "--envoys", "3",
            "--upstream", "http://127.0.0.1:" + upstream.port(),
            "--workers", "6", "--interval", "100ms", "--start-jitter", "1s", "--max-backoff", "500ms",
            "--duration", "60s", "--move-demand-at", "30s",
            "--budget", Integer.toString(BOUND_PER_WINDOW), "--window", "10s"
          },
          Map.of("GEOCODE_API_KEY", "integration-test-key"), false, new PrintWriter(out, true), new PrintWriter(out, true));

      System.out.print(out); // the run's own summary, kept in the failsafe report

      UpstreamStats seen = upstream.arrivals().stats(WINDOW, Duration.ofMillis(100), 0);
      assertTrue(seen.maxInWindow() <= BOUND_PER_WINDOW, "upstream saw " + seen.maxInWindow() + " in a window\n" + out);
      assertTrue(seen.total() > 0, "nothing was admitted\n" + out);
      assertEquals(0, exit, out.toString());
      assertTrue(out.toString().matches("(?s).*envoy 1: [1-9]\\d* admitted.*"), "envoy 1 never got a share\n" + out);
      assertTrue(out.toString().matches("(?s).*envoy 3: [1-9]\\d* admitted.*"), "envoy 3 never got a share\n" + out);
      assertTrue(out.toString().contains("envoy 2: 0 admitted, 0 assignments, 0 stream(s) opened"),
          "an Envoy without demand holds no bucket and opens no stream\n" + out);
      assertTrue(out.toString().contains("rebalancing: demand moved from envoy 1 to envoy 3 at 30s; "), out.toString());
    }
  }
}
