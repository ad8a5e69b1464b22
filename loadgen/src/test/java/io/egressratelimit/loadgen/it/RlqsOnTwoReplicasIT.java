package io.egressratelimit.loadgen.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.loadgen.upstream.UpstreamStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    try (TwoReplicasOnOneRedis fleet = TwoReplicasOnOneRedis.start(dir,
        "period: 10s", "requests_per_unit: 20", "algorithm: token_bucket", "burst: 20", "rlqs: true")) {
      List<String> args = new ArrayList<>(List.of("rlqs"));
      args.addAll(fleet.targets("--rlqs"));
      args.addAll(List.of("--envoys", "3", "--upstream", fleet.upstreamUrl(),
          "--workers", "6", "--interval", "100ms", "--start-jitter", "1s", "--max-backoff", "500ms",
          "--duration", "60s", "--move-demand-at", "30s",
          "--budget", Integer.toString(BOUND_PER_WINDOW), "--window", "10s"));
      TwoReplicasOnOneRedis.Run run = fleet.loadgen(args);
      String out = run.output();

      UpstreamStats seen = fleet.seen(WINDOW);
      assertTrue(seen.maxInWindow() <= BOUND_PER_WINDOW, "upstream saw " + seen.maxInWindow() + " in a window\n" + out);
      assertTrue(seen.total() > 0, "nothing was admitted\n" + out);
      assertEquals(0, run.exit(), out);
      assertTrue(out.matches("(?s).*envoy 1: [1-9]\\d* admitted.*"), "envoy 1 never got a share\n" + out);
      assertTrue(out.matches("(?s).*envoy 3: [1-9]\\d* admitted.*"), "envoy 3 never got a share\n" + out);
      assertTrue(out.contains("envoy 2: 0 admitted, 0 assignments, 0 stream(s) opened"),
          "an Envoy without demand holds no bucket and opens no stream\n" + out);
      assertTrue(out.contains("rebalancing: demand moved from envoy 1 to envoy 3 at 30s; "), out);
    }
  }
}
