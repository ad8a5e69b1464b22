package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.loadgen.upstream.UpstreamStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RLQS through real Envoys: three Envoy 1.40 processes run envoy-rlqs-local.yaml against two service
 * replicas over one redis-server, and split two budgets at once, a {@code strict} and a
 * {@code token_bucket} one (each Envoy's bucket is picked by a header, and each budget's calls go to
 * a stub upstream of its own, whose count is the verdict). The demand of both sits on one Envoy and
 * moves: to a second Envoy, then to a third while the second is killed; then both replicas restart,
 * one after the other, then Redis loses every ledger (FLUSHALL). Through all of it the upstreams must never see more than
 * docs/rlqs.md's bound, and each budget's share must follow its demand, which the replicas'
 * {@code /budgets} shows per Envoy.
 *
 * <p>Phases last {@code -Drlqs.phase} (16s) and the assignments live {@code -Drlqs.ttl} (7s: over
 * Envoy's 5 s report interval plus D); scripts/rlqs-real-envoys.sh runs it longer with the shipped
 * 10 s and prints the same table. Times are printed, never asserted but for bounding a hang.
 */
class RlqsThroughRealEnvoysIT {
  private static final Duration PHASE = Duration.parse("PT" + System.getProperty("rlqs.phase", "16s").toUpperCase(Locale.ROOT));
  private static final String TTL = System.getProperty("rlqs.ttl", "7s");
  private static final Duration WINDOW = Duration.ofSeconds(10);
  static final String LIMITS = """
      domain: geocode
      descriptors:
        # At most 40 in any 10 s window: burst 8, refilled at 32 per 10 s.
        - key: generic_key
          value: strict
          rate_limit: {requests_per_unit: 40, period: 10s, algorithm: strict, burst: 8, rlqs: true}
        # At most 10 + 40 in any 10 s.
        - key: generic_key
          value: token
          rate_limit: {requests_per_unit: 40, period: 10s, algorithm: token_bucket, burst: 10, rlqs: true}
      """;
  /** What a budget may let through in any 10 s window (docs/rlqs.md, "The guarantee"). */
  private static final Map<String, Long> BOUND = Map.of("strict", 40L, "token", 50L);
  /** A token_bucket ledger reborn after a loss opens full: one burst more in a window across the loss. */
  private static final long TOKEN_BOUND_ACROSS_THE_LOSS = 60;

  @Test
  void twoBudgetsHoldOnThreeRealEnvoysWhileDemandMovesAnEnvoyDiesReplicasRestartAndRedisLosesTheLedgers()
      throws Exception {
    try (EnvoyFleet fleet = EnvoyFleet.builder("rlqs-real-envoys", LIMITS, EnvoyFiles.RLQS_LOCAL)
        .envoys(3).ownAddresses().edit(QuotaFleetConfig::twoBudgets).upstream(QuotaFleetConfig.STRICT_UPSTREAM)
        .serviceArgs("--rlqs-assignment-ttl", TTL).start();
        QuotaTraffic traffic = QuotaTraffic.start(fleet, List.of("strict", "token"), 8);
        ShareWatch shares = ShareWatch.start(fleet)) {
      List<String> table = new ArrayList<>();
      Thread.sleep(PHASE.toMillis());
      assertTrue(shares.held("strict", 0) > 0 && shares.held("token", 0) > 0,
          "envoy 1 holds a share of both budgets: " + shares.last());

      long moved = traffic.moveTo(1);
      Thread.sleep(PHASE.toMillis() * 5 / 4);
      table.add(followed(shares, "demand moved from envoy 1 to envoy 2", 0, 1, moved));

      long killed = traffic.moveTo(2);
      fleet.envoys().get(1).kill();
      Thread.sleep(PHASE.toMillis());
      table.add(followed(shares, "envoy 2 killed, demand on envoy 3", 1, 2, killed));

      // a rolling restart, so the replica that holds envoy 3's stream is among them
      long restarted = System.nanoTime();
      fleet.restartReplica(0);
      Thread.sleep(PHASE.toMillis() / 2);
      fleet.restartReplica(1);
      Thread.sleep(PHASE.toMillis() / 2);
      for (String budget : List.of("strict", "token")) {
        table.add(String.format(Locale.ROOT, "| %s | both replicas restarted, one after the other | envoy 3 admitted %d"
            + " meanwhile; its longest gap between two admitted calls %.1f s |", budget,
            traffic.admitted(budget, 2, restarted), traffic.longestGap(budget, 2, restarted) / 1e9));
      }

      UpstreamStats tokenBeforeTheLoss = fleet.seen(WINDOW);
      long flushed = System.nanoTime();
      assertEquals("+OK", fleet.redis().command("FLUSHALL"));
      Thread.sleep(PHASE.toMillis());
      table.add(followed(shares, "Redis lost every ledger (FLUSHALL)", 2, 2, flushed));
      // the reborn ledger opened with nothing handed out: the share came back only after it was gone
      traffic.stop();

      long strictMax = fleet.seen(QuotaFleetConfig.STRICT_UPSTREAM, WINDOW).maxInWindow();
      long tokenMax = fleet.seen(WINDOW).maxInWindow();
      System.out.printf(Locale.ROOT, "RLQS through 3 real Envoys, 2 replicas, 1 Redis (TTL %s, phases of %d s):%n"
              + "| budget | what happened | share followed after |%n%s%n"
              + "| strict 40/10s burst 8 | most the upstream saw in any 10 s window | %d (bound %d) |%n"
              + "| token_bucket 40/10s burst 10 | most in any 10 s window before the loss / in all | %d (bound %d) / %d "
              + "(bound %d across the loss) |%n",
          TTL, PHASE.toSeconds(), String.join("\n", table), strictMax, BOUND.get("strict"),
          tokenBeforeTheLoss.maxInWindow(), BOUND.get("token"), tokenMax, TOKEN_BOUND_ACROSS_THE_LOSS);

      assertTrue(strictMax <= BOUND.get("strict"), "strict: the upstream saw " + strictMax + " in a 10 s window");
      assertTrue(tokenBeforeTheLoss.maxInWindow() <= BOUND.get("token"),
          "token_bucket: the upstream saw " + tokenBeforeTheLoss.maxInWindow() + " in a 10 s window");
      assertTrue(tokenMax <= TOKEN_BOUND_ACROSS_THE_LOSS, "token_bucket across the loss: " + tokenMax);
      for (String budget : List.of("strict", "token")) {
        assertTrue(traffic.admitted(budget, 2, flushed + PHASE.toNanos() / 2) > 0,
            budget + ": envoy 3 admits again once the reborn ledger opens");
      }
      assertTrue(table.stream().noneMatch(line -> line.contains("never")), String.join("\n", table));
    }
  }

  /**
   * When each budget's share reached envoy {@code to}: 3/4 of what envoy {@code from} held before. The
   * same Envoy ({@code from == to}) must first have lost it.
   */
  private static String followed(ShareWatch shares, String what, int from, int to, long sinceNanos) {
    List<String> lines = new ArrayList<>();
    for (String budget : List.of("strict", "token")) {
      long before = shares.heldAt(budget, from, sinceNanos);
      double took = shares.reached(budget, to, before * 3 / 4.0, sinceNanos, from == to);
      lines.add(String.format(Locale.ROOT, "| %s | %s | %s (envoy %d held %d per 10 s before) |", budget, what,
          took < 0 ? "never within the phase" : String.format(Locale.ROOT, "%.1f s", took), from + 1, before));
    }
    return String.join("\n", lines);
  }
}
