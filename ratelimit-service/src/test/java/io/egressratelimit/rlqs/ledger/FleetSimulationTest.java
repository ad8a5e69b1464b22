package io.egressratelimit.rlqs.ledger;

import static io.egressratelimit.testing.rlqs.QuotaActions.GEOCODE;
import static io.egressratelimit.testing.rlqs.QuotaActions.assignment;
import static io.egressratelimit.testing.rlqs.QuotaActions.blanket;
import static io.egressratelimit.testing.rlqs.QuotaActions.response;
import static io.egressratelimit.testing.rlqs.QuotaActions.tokenBucket;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.TokenBucketBound;
import io.egressratelimit.testing.rlqs.BucketBehaviour;
import io.egressratelimit.testing.rlqs.QuotaFilter;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports.BucketQuotaUsage;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy.BlanketRule;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Envoys on a virtual clock, each running test-support's model of Envoy's rate_limit_quota filter
 * (DENY_ALL with no assignment and after expiry, reports every 5 s as Envoy 1.40 sends them),
 * against one ledger: demand that jumps between them, Envoys that vanish and join, answers that take
 * up to D to arrive. The fleet's admissions must fit the budget's token bucket in every interval,
 * while the budget still gets used.
 */
class FleetSimulationTest {
  private static final QuotaTiming TIMING = new QuotaTiming(Duration.ofSeconds(7), Duration.ofMillis(500));
  private static final long STEP_MICROS = 1_000;
  private static final long REPORT_EVERY_MICROS = QuotaFilter.REPORT_EVERY.toNanos() / 1000;
  private static final long PHASE_MICROS = 20_000_000;
  private static final BucketBehaviour FAIL_CLOSED =
      new BucketBehaviour(BlanketRule.DENY_ALL, Optional.of(blanket(BlanketRule.DENY_ALL)), Duration.ZERO);

  private static final class SimulatedEnvoy {
    final String id;
    final QuotaFilter filter = new QuotaFilter("egress", FAIL_CLOSED);
    final Deque<long[]> inFlight = new ArrayDeque<>(); // {arrival µs, maxTokens, tokensPerPeriod}
    long nextReport = -1;
    double demandPerSecond;
    boolean alive = true;

    SimulatedEnvoy(String id) {
      this.id = id;
    }
  }

  @ParameterizedTest(name = "seed {0}, burst {1}, {2} per {3}s, starts full {4}")
  @CsvSource({
      "1, 10, 60, 10, true",
      "2, 10, 60, 10, false",
      "3, 40, 300, 60, true",
      "4, 6, 30, 1, false",
      "5, 20, 100, 5, true",
  })
  void theFleetNeverAdmitsMoreThanTheBudget(long seed, long burst, long rate, long period, boolean full) {
    QuotaBudget budget = new QuotaBudget(burst, rate, period, full);
    Random random = new Random(seed);
    String ledgerText = LedgerText.write(Ledger.open(budget, TIMING, 0));
    TokenBucketBound bound = new TokenBucketBound(burst, rate, period, full, TIMING.embargoMicros() / 1e6);
    List<SimulatedEnvoy> envoys = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      envoys.add(new SimulatedEnvoy("envoy-" + i));
    }
    double fleetRate = (double) rate / period;
    long end = 300_000_000;
    for (long now = 0; now < end; now += STEP_MICROS) {
      if (now % PHASE_MICROS == 0) {
        // A new phase: demand moves; now and then an Envoy vanishes and another joins.
        for (SimulatedEnvoy envoy : envoys) {
          envoy.demandPerSecond = random.nextInt(3) == 0 ? 0 : random.nextDouble() * fleetRate * 2;
        }
        if (random.nextInt(3) == 0) {
          envoys.get(random.nextInt(envoys.size())).alive = false;
          envoys.add(new SimulatedEnvoy("envoy-" + envoys.size()));
        }
      }
      double seconds = now / 1e6;
      long nanos = now * 1000;
      for (SimulatedEnvoy envoy : envoys) {
        while (!envoy.inFlight.isEmpty() && envoy.inFlight.peek()[0] <= now) {
          long[] answer = envoy.inFlight.poll();
          envoy.filter.onResponse(response(GEOCODE, answer[1] == 0
              ? assignment(blanket(BlanketRule.DENY_ALL), TIMING.ttl().toSeconds(), 0)
              : assignment(tokenBucket((int) answer[1], (int) answer[2], period, 0), TIMING.ttl().toSeconds(), 0)),
              nanos);
        }
        if (!envoy.alive) {
          continue;
        }
        Optional<RateLimitQuotaUsageReports> report = Optional.empty();
        if (random.nextDouble() < envoy.demandPerSecond * STEP_MICROS / 1e6) {
          QuotaFilter.Admission admission = envoy.filter.admit(GEOCODE, nanos);
          if (admission.allowed()) {
            bound.admitted(seconds);
          }
          // a new bucket reports at once, and Envoy's report timer starts with it
          report = admission.firstReport();
          if (report.isPresent()) {
            envoy.nextReport = now + REPORT_EVERY_MICROS;
          }
        }
        if (report.isEmpty() && envoy.nextReport >= 0 && now >= envoy.nextReport) {
          report = envoy.filter.reportAll(nanos);
          envoy.nextReport += REPORT_EVERY_MICROS;
        }
        if (report.isPresent()) {
          BucketQuotaUsage usage = report.get().getBucketQuotaUsages(0);
          Ledger ledger = LedgerText.read(ledgerText);
          Share share = ledger.report(budget, TIMING, envoy.id, usage.getNumRequestsAllowed() + usage.getNumRequestsDenied(),
              now);
          ledgerText = LedgerText.write(ledger);
          assertInvariants(budget, ledger, now);
          long arrival = now + random.nextLong(TIMING.deliveryMicros());
          if (!envoy.inFlight.isEmpty()) {
            arrival = Math.max(arrival, envoy.inFlight.peekLast()[0]);
          }
          envoy.inFlight.add(new long[] {arrival, share.maxTokens(), share.tokensPerPeriod()});
        }
      }
    }
    assertTrue(bound.held(), "the fleet admitted more than the budget: its least bucket reached " + bound.worst()
        + " > burst " + burst);
    double allowed = burst + fleetRate * (end / 1e6 - TIMING.embargoMicros() / 1e6);
    // The demand is random and often below the budget, so only a loose floor: the budget is used, not hoarded.
    assertTrue(bound.admittedCount() > allowed / 5, "only " + bound.admittedCount() + " admitted of " + allowed);
  }

  private static void assertInvariants(QuotaBudget budget, Ledger ledger, long now) {
    assertTrue(ledger.reservedRate(now) <= budget.ratePerPeriod(), "rates held " + ledger.reservedRate(now));
    assertTrue(ledger.poolScaled >= 0, "pool below zero: " + ledger.poolScaled);
    assertTrue(ledger.poolTokens(budget) + ledger.reservedBurst(now) <= budget.burst(),
        "pool " + ledger.poolTokens(budget) + " and bursts " + ledger.reservedBurst(now) + " exceed " + budget.burst());
  }
}
