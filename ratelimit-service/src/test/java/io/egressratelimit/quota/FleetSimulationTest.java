package io.egressratelimit.quota;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.EnvoyQuotaBucket;
import io.egressratelimit.testing.TokenBucketBound;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Envoys that behave as Envoy's filter does, on a virtual clock, against one ledger: demand that
 * jumps between them, Envoys that vanish and join, answers that take up to D to arrive. The fleet's
 * admissions must fit the budget's token bucket in every interval, while the budget still gets used.
 */
class FleetSimulationTest {
  private static final QuotaTiming TIMING = new QuotaTiming(Duration.ofSeconds(3), Duration.ofMillis(300));
  private static final long STEP_MICROS = 1_000;
  private static final long REPORT_EVERY_MICROS = 1_000_000;

  private static final class SimulatedEnvoy {
    final String id;
    final EnvoyQuotaBucket bucket = new EnvoyQuotaBucket();
    final Deque<long[]> inFlight = new ArrayDeque<>(); // {arrival µs, maxTokens, tokensPerPeriod}
    long nextReport;
    long requests;
    double demandPerSecond;
    boolean alive = true;

    SimulatedEnvoy(String id, long firstReport) {
      this.id = id;
      this.nextReport = firstReport;
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
      envoys.add(new SimulatedEnvoy("envoy-" + i, random.nextInt(1_000_000)));
    }
    double fleetRate = (double) rate / period;
    long end = 120_000_000;
    for (long now = 0; now < end; now += STEP_MICROS) {
      if (now % 10_000_000 == 0) {
        // A new phase: demand moves; now and then an Envoy vanishes and another joins.
        for (SimulatedEnvoy envoy : envoys) {
          envoy.demandPerSecond = random.nextInt(3) == 0 ? 0 : random.nextDouble() * fleetRate * 2;
        }
        if (random.nextInt(3) == 0) {
          envoys.get(random.nextInt(envoys.size())).alive = false;
          envoys.add(new SimulatedEnvoy("envoy-" + envoys.size(), now + random.nextInt(1_000_000)));
        }
      }
      double seconds = now / 1e6;
      for (SimulatedEnvoy envoy : envoys) {
        while (!envoy.inFlight.isEmpty() && envoy.inFlight.peek()[0] <= now) {
          long[] answer = envoy.inFlight.poll();
          if (answer[1] == 0) {
            envoy.bucket.assignDenyAll(TIMING.ttl().toSeconds(), seconds);
          } else {
            envoy.bucket.assignTokenBucket(answer[1], answer[2], period, TIMING.ttl().toSeconds(), seconds);
          }
        }
        if (!envoy.alive) {
          continue;
        }
        if (random.nextDouble() < envoy.demandPerSecond * STEP_MICROS / 1e6) {
          envoy.requests++;
          if (envoy.bucket.tryAdmit(seconds)) {
            bound.admitted(seconds);
          }
        }
        if (now >= envoy.nextReport) {
          Ledger ledger = LedgerText.read(ledgerText);
          Share share = ledger.report(budget, TIMING, envoy.id, envoy.requests, now);
          ledgerText = LedgerText.write(ledger);
          assertInvariants(budget, ledger, now);
          long arrival = now + random.nextLong(TIMING.deliveryMicros());
          if (!envoy.inFlight.isEmpty()) {
            arrival = Math.max(arrival, envoy.inFlight.peekLast()[0]);
          }
          envoy.inFlight.add(new long[] {arrival, share.maxTokens(), share.tokensPerPeriod()});
          envoy.requests = 0;
          envoy.nextReport = now + REPORT_EVERY_MICROS;
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
