package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.rlqs.ledger.QuotaTiming;
import io.egressratelimit.server.RateLimitServer;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.settings.WarmupSettings;
import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.RlqsEnvoy;
import io.egressratelimit.testing.TokenBucketBound;
import io.egressratelimit.testing.redis.OneRedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Simulated Envoys (the rate_limit_quota filter's behaviour, over real gRPC streams) on two service
 * replicas over one real redis-server. What they admit together, in time order, must fit the
 * budget's token bucket in every interval, through moved demand, a vanished Envoy and a replica
 * restart. Only deadlines that bound a hang; nothing asserts how fast.
 *
 * <p>Its tests run side by side: each has its own replicas and Envoys and its own key prefix on the
 * one redis-server, and each spends most of its time waiting on reports and TTLs.
 */
@Execution(ExecutionMode.CONCURRENT)
class RlqsFleetIT {
  private static final QuotaTiming TIMING = new QuotaTiming(Duration.ofSeconds(3), Duration.ofSeconds(1));
  private static final long REPORT_EVERY_MILLIS = 500;
  /** generic_key=api: burst 8, 40 per 10 s; 15/16 of that (38) is shared out. */
  private static final long BURST = 8;
  private static final long RATE = 40;
  private static final long PERIOD = 10;

  @RegisterExtension
  static final OneRedisServer redis = new OneRedisServer();

  private final List<RateLimitServer> replicas = new ArrayList<>();
  private final List<RlqsEnvoy> envoys = new ArrayList<>();
  private ServerSettings settings = settings(TIMING);

  private static ServerSettings settings(QuotaTiming timing) {
    try {
      Path config = Path.of(RlqsFleetIT.class.getResource("/rlqs/fleet.yaml").toURI());
      RedisStoreSettings redisSettings = TestStores.settings(redis.url(), RedisTopology.SINGLE, RedisStrategy.ATOMIC_SCRIPT)
          .withKeyPrefix("rlqs-" + UUID.randomUUID() + ":");
      return ServerSettings.inMemory(config, 0, 0).withRedis(redisSettings).toBuilder()
          .rlqs(timing).warmup(WarmupSettings.NONE).build();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    envoys.forEach(RlqsEnvoy::close);
    replicas.forEach(RateLimitServer::close);
  }

  private RateLimitServer replica() {
    RateLimitServer server = RateLimitServer.start(settings);
    replicas.add(server);
    return server;
  }

  private RlqsEnvoy envoy(String api, double demand, RateLimitServer on) {
    RlqsEnvoy envoy = new RlqsEnvoy("egress", Map.of("generic_key", api), REPORT_EVERY_MILLIS);
    envoy.demand(demand);
    envoy.start(on.grpcPort());
    envoys.add(envoy);
    return envoy;
  }

  private TokenBucketBound admittedInTimeOrder(long burst, long rate, boolean startsFull) {
    List<Double> all = allAdmitted();
    TokenBucketBound bound = new TokenBucketBound(burst, rate, PERIOD, startsFull, all.isEmpty() ? 0 : all.get(0));
    all.forEach(bound::admitted);
    return bound;
  }

  private static void sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  private List<Double> allAdmitted() {
    List<Double> all = new ArrayList<>();
    envoys.forEach(e -> all.addAll(e.admittedAt()));
    all.sort(Double::compare);
    return all;
  }

  private static int mostInAnyWindow(List<Double> sorted, double seconds) {
    int most = 0;
    for (int first = 0, last = 0; last < sorted.size(); last++) {
      while (sorted.get(last) - sorted.get(first) >= seconds) {
        first++;
      }
      most = Math.max(most, last - first + 1);
    }
    return most;
  }

  @Test
  void greedyEnvoysOnTwoReplicasNeverAdmitMoreThanATokenBucketBudget() throws Exception {
    greedyFleet("api");
    TokenBucketBound bound = admittedInTimeOrder(BURST, RATE, true);
    assertTrue(bound.held(), "the fleet admitted more than the budget: its least bucket reached " + bound.worst()
        + " of " + BURST);
    assertTrue(bound.admittedCount() >= BURST, "the budget was used: " + bound.admittedCount() + " admitted");
  }

  @Test
  void greedyEnvoysOnTwoReplicasNeverAdmitMoreThanNInAnyWindowOfAStrictBudget() throws Exception {
    greedyFleet("strict-api");
    List<Double> admitted = allAdmitted();
    assertTrue(mostInAnyWindow(admitted, PERIOD) <= RATE,
        "a 10 s window admitted " + mostInAnyWindow(admitted, PERIOD) + " of " + RATE);
    assertTrue(admitted.size() >= BURST, "the budget was used: " + admitted.size() + " admitted");
  }

  private void greedyFleet(String api) throws Exception {
    RateLimitServer a = replica();
    RateLimitServer b = replica();
    for (int i = 0; i < 4; i++) {
      envoy(api, 10, i % 2 == 0 ? a : b);
    }
    sleep(16_000);
    envoys.forEach(RlqsEnvoy::vanish);
  }

  @Test
  void demandThatMovesGetsItsShareAndTheBudgetHolds() throws Exception {
    RateLimitServer a = replica();
    RateLimitServer b = replica();
    RlqsEnvoy busy = envoy("api", 20, a);
    RlqsEnvoy idle = envoy("api", 0, b);
    assertTrue(Eventually.within(Duration.ofSeconds(20), () -> busy.heldRate() >= 30),
        "the only busy Envoy gets most of the rate: " + busy.received());
    double moved = RlqsEnvoy.now();
    busy.demand(0);
    idle.demand(20);
    // The stated time: two reports, D, and the pool refilling the new burst at the freed rate.
    assertTrue(Eventually.within(Duration.ofSeconds(20), () -> idle.heldRate() >= 30 && busy.heldRate() <= 8),
        "the demand's new Envoy gets the share: " + idle.received() + " / " + busy.received());
    System.out.printf("rebalanced in %.1f s%n", RlqsEnvoy.now() - moved);
    // what operators see: each Envoy's share by its address, from the ledger both replicas share
    String budgets = io.egressratelimit.testing.Http.get(a.httpPort(), "/budgets").body();
    assertTrue(budgets.contains("\"rlqs\":[{\"bucket\":\"generic_key=api\""), budgets);
    assertEquals(2, budgets.split("\"envoy\":\"127\\.0\\.0\\.1:").length - 1, "both Envoys, by address: " + budgets);
    String metrics = io.egressratelimit.testing.Http.get(b.httpPort(), "/metrics").body();
    assertTrue(metrics.matches("(?s).*ratelimit_rlqs_usage_reports_total [1-9].*"), "reports counted");
    assertTrue(metrics.matches("(?s).*ratelimit_rlqs_streams_open 1\\.0.*"), "one stream open on replica b");
    assertTrue(metrics.contains("ratelimit_rlqs_budget_rate_held{rule=\"egress.generic_key_api\"}"), "the budget's gauges");
    sleep(3_000);
    envoys.forEach(RlqsEnvoy::vanish);
    TokenBucketBound bound = admittedInTimeOrder(BURST, RATE, true);
    assertTrue(bound.held(), "the budget held while shares moved: " + bound.worst() + " of " + BURST);
  }

  @Test
  void aVanishedEnvoysShareReturnsOnlyAfterItsAssignmentExpires() throws Exception {
    RateLimitServer a = replica();
    RateLimitServer b = replica();
    RlqsEnvoy leaving = envoy("api", 20, a);
    RlqsEnvoy staying = envoy("api", 20, b);
    assertTrue(Eventually.within(Duration.ofSeconds(20), () -> leaving.heldRate() >= 15 && staying.heldRate() >= 15),
        "both share the rate: " + leaving.received() + " / " + staying.received());
    List<RlqsEnvoy.Received> leavingGot = leaving.received();
    RlqsEnvoy.Received last = leavingGot.get(leavingGot.size() - 1);
    leaving.vanish();
    double gone = RlqsEnvoy.now();
    assertTrue(Eventually.within(Duration.ofSeconds(20), () -> staying.heldRate() >= 30),
        "the staying Envoy gets the vanished one's share: " + staying.received());
    // Until the vanished Envoy's last assignment is over (TTL + D after it was sent, before it arrived),
    // the staying Envoy never got more than the vanished one left.
    double over = last.at() + TIMING.ttl().toSeconds();
    for (RlqsEnvoy.Received share : staying.received()) {
      if (share.at() >= gone && share.at() < over) {
        assertTrue(share.tokensPerFill() + last.tokensPerFill() <= RATE,
            "got " + share + " while the vanished Envoy may still use " + last);
      }
    }
    envoys.forEach(RlqsEnvoy::vanish);
    assertTrue(admittedInTimeOrder(BURST, RATE, true).held());
  }

  @Test
  void aReplicaRestartedMidRunLosesNoBound() throws Exception {
    RateLimitServer a = replica();
    RateLimitServer b = replica();
    List<RlqsEnvoy> onA = List.of(envoy("api", 10, a), envoy("api", 10, a));
    envoy("api", 10, b);
    envoy("api", 10, b);
    sleep(7_000);
    a.close();
    RateLimitServer restarted = replica();
    onA.forEach(e -> e.streamLost(restarted.grpcPort()));
    sleep(9_000);
    envoys.forEach(RlqsEnvoy::vanish);
    assertTrue(onA.stream().allMatch(e -> e.received().stream().anyMatch(r -> r.maxTokens() > 0 && r.at() > 0)));
    TokenBucketBound bound = admittedInTimeOrder(BURST, RATE, true);
    assertTrue(bound.held(), "the budget held through the restart: " + bound.worst() + " of " + BURST);
    assertTrue(bound.admittedCount() > 0);
  }

  @Test
  void aStrictBudgetHoldsWhenRedisLosesEveryLedgerMidRun() throws Exception {
    RateLimitServer a = replica();
    RateLimitServer b = replica();
    for (int i = 0; i < 4; i++) {
      envoy("strict-api", 10, i % 2 == 0 ? a : b);
    }
    sleep(9_000);
    double lost = RlqsEnvoy.now();
    redis.node().restart();
    // The ledger is reborn empty and hands nothing out until the old assignments are over.
    sleep(12_000);
    envoys.forEach(RlqsEnvoy::vanish);
    List<Double> admitted = allAdmitted();
    assertTrue(mostInAnyWindow(admitted, PERIOD) <= RATE,
        "a 10 s window across the loss admitted " + mostInAnyWindow(admitted, PERIOD) + " of " + RATE);
    assertTrue(admitted.stream().anyMatch(at -> at > lost + TIMING.ttl().toSeconds()),
        "shares were handed out again after the loss");
  }

  /**
   * An Envoy that can reach no replica keeps enforcing its last assignment until that assignment's
   * TTL. When Redis loses the ledger at that moment, the reborn ledger knows nothing of it: only
   * its wait of TTL + D before handing anything out keeps another Envoy from getting the same rate.
   * A TTL of 10 s on a 1 s period makes that overlap span many windows, whatever Redis's restart
   * and the replicas' reconnection take.
   */
  @Test
  void aRebornLedgerGivesNothingAwayWhileAnEnvoyCutOffFromTheServiceStillRunsItsShare() throws Exception {
    QuotaTiming longLived = new QuotaTiming(Duration.ofSeconds(10), Duration.ofSeconds(1));
    settings = settings(longLived);
    RateLimitServer a = replica();
    RateLimitServer b = replica();
    RlqsEnvoy cutOff = envoy("strict-per-second", 20, a);
    RlqsEnvoy taking = envoy("strict-per-second", 0, b);
    assertTrue(Eventually.within(Duration.ofSeconds(30), () -> cutOff.heldRate() >= 6),
        "the busy Envoy gets most of the rate: " + cutOff.received());
    cutOff.streamLost(closedPort());
    double lost = RlqsEnvoy.now();
    redis.node().restart();
    taking.demand(20);
    assertTrue(Eventually.within(Duration.ofSeconds(30), () -> taking.heldRate() >= 6),
        "the reborn ledger hands the rate to the Envoy with the demand: " + taking.received());
    sleep(2_000);
    envoys.forEach(RlqsEnvoy::vanish);
    List<Double> admitted = allAdmitted();
    assertTrue(mostInAnyWindow(admitted, 1) <= 12,
        "a 1 s window admitted " + mostInAnyWindow(admitted, 1) + " of 12");
    assertTrue(cutOff.admittedAt().stream().anyMatch(at -> at > lost + 5),
        "the cut-off Envoy went on admitting on its last assignment");
    assertTrue(taking.admittedAt().stream().anyMatch(at -> at > lost),
        "the Envoy with the demand admitted after the loss");
  }

  /** A port nobody listens on: the Envoy's reconnections there are refused. */
  private static int closedPort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aBucketWithoutAnRlqsRuleIsAbandoned() throws Exception {
    RateLimitServer a = replica();
    RlqsEnvoy envoy = envoy("rls-only", 5, a);
    sleep(1_500);
    assertEquals(List.of(), envoy.received(), "no assignment, only abandon actions");
    assertEquals(List.of(), envoy.admittedAt(), "its no-assignment behaviour (DENY_ALL) denies");
  }
}
