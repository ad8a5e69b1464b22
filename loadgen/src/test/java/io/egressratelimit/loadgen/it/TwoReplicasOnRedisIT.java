package io.egressratelimit.loadgen.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.egressratelimit.loadgen.upstream.UpstreamStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    // a small burst refills fast (18 per 10s), so the budget is spent right up to its edge
    try (TwoReplicasOnOneRedis fleet = TwoReplicasOnOneRedis.start(dir,
        "period: 10s", "requests_per_unit: " + BUDGET, "algorithm: strict", "burst: 2")) {
      Path summary = dir.resolve("summary.json");
      List<String> args = new ArrayList<>(List.of("rls"));
      args.addAll(fleet.targets("--rls"));
      args.addAll(List.of("--upstream", fleet.upstreamUrl(),
          "--workers", "6", "--duration", "20s", "--start-jitter", "2s",
          "--budget", Integer.toString(BUDGET), "--window", "10s", "--failure-mode-deny",
          "--json", summary.toString()));
      TwoReplicasOnOneRedis.Run run = fleet.loadgen(args);
      String out = run.output();

      UpstreamStats seen = fleet.seen(WINDOW);
      assertTrue(seen.maxInWindow() <= BUDGET, "upstream saw " + seen.maxInWindow() + " in a window\n" + out);
      assertTrue(seen.total() > BUDGET, "the run must span more than one window's budget to test anything\n" + out);
      assertEquals(0, run.exit(), out);
      JsonObject json = JsonParser.parseString(Files.readString(summary)).getAsJsonObject();
      assertTrue(json.get("status429").getAsLong() > 0, "no 429s: the budget was never tested\n" + out);
      assertEquals(seen.total(), json.get("status2xx").getAsLong(), "every admitted call reached the upstream");
    }
  }
}
