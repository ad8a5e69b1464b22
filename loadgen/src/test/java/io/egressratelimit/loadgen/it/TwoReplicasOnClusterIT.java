package io.egressratelimit.loadgen.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.egressratelimit.testing.redis.RedisNode;
import io.egressratelimit.testing.redis.RespClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product's promise on a Redis Cluster of three masters: two replicas, a strict budget, and
 * every request naming it together with a caller's budget that sits on another master, so each
 * request is decided slot by slot; the caller's small fixed windows deny some requests the strict
 * budget had admitted, which then give their token back. The stub upstream, timing every call that
 * got through, is the judge.
 */
class TwoReplicasOnClusterIT {
  private static final int BUDGET = 20;
  private static final Duration WINDOW = Duration.ofSeconds(10);

  @TempDir Path dir;

  @Test
  void upstreamNeverSeesMoreThanTheBudgetInAnyWindowWhenRequestsSpanTwoMasters() throws Exception {
    List<String> callerRule = List.of("  - key: caller", "    rate_limit:", "      unit: second",
        "      requests_per_unit: 3");
    try (TwoReplicasOnOneRedis fleet = TwoReplicasOnOneRedis.startOnCluster(dir, callerRule,
        "period: 10s", "requests_per_unit: " + BUDGET, "algorithm: strict", "burst: 2")) {
      fleet.assertBudgetHeld(dir.resolve("summary.json"), BUDGET, WINDOW,
          List.of("--descriptor", "generic_key=geocode", "--descriptor", "caller=web"));
      assertNotEquals(masterHolding(fleet, "*generic_key=geocode#*"), masterHolding(fleet, "*caller=web#*"),
          "the two budgets of every request sit on two masters");
    }
  }

  private static int masterHolding(TwoReplicasOnOneRedis fleet, String pattern) {
    for (RedisNode master : fleet.masters()) {
      if (!((List<?>) RespClient.call(master.port(), "KEYS", pattern)).isEmpty()) {
        return master.port();
      }
    }
    throw new AssertionError("no master holds " + pattern);
  }
}
