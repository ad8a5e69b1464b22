package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The real thing with RLQS: the pinned Envoy runs envoy-rlqs-local.yaml, its
 * rate_limit_quota filter streaming to the service. The very first call is denied (no assignment
 * yet, DENY_ALL), calls go out once the share arrives, and the upstream never sees more than the
 * budget, although no call asks the service. A new budget's ledger opens TTL + D after the service
 * first meets it, and Envoy 1.40 reports every 5 s (docs/rlqs.md), so the first admission waits 11 to
 * 16 s.
 */
class RealEnvoyRlqsIT {
  /** limits/geocode.yaml's global rule: at most 5 calls in any 15 s. */
  private static final int GLOBAL_BUDGET = 5;
  private static final int BURST = 20;

  @Test
  void theFirstCallWaitsForAnAssignmentAndTheBudgetHolds() throws Exception {
    // the shipped limits: their global rule says rlqs: true
    String limits = Files.readString(EnvoyFiles.limitsDir().resolve("geocode.yaml"));
    try (EnvoyFleet fleet = EnvoyFleet.start("real-envoy-rlqs", limits, 1, EnvoyFiles.RLQS_LOCAL, tree -> {})) {
      GatewayCalls calls = fleet.calls(0);
      assertEquals(429, calls.call().statusCode(), "no assignment yet: DENY_ALL");
      HttpResponse<String> admitted = calls.firstAdmitted(60, Duration.ofMillis(500));
      assertEquals(200, admitted.statusCode(), "a call goes out once the share arrives; body: " + admitted.body());
      long limited = 0;
      for (int i = 0; i < BURST; i++) {
        limited += calls.call().statusCode() == 429 ? 1 : 0;
      }
      assertTrue(limited >= BURST - GLOBAL_BUDGET, "calls over the share are denied locally: " + limited);
      assertTrue(calls.upstreamMaxInWindow("15s") <= GLOBAL_BUDGET, "the upstream saw more than the budget");
    }
  }
}
