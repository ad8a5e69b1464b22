package io.egressratelimit.loadgen.it;

import java.nio.file.Path;
import java.time.Duration;
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
      fleet.assertBudgetHeld(dir.resolve("summary.json"), BUDGET, WINDOW, List.of());
    }
  }
}
