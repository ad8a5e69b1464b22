package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.loadgen.upstream.UpstreamStats;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The budget holds where it matters, at the upstream, with traffic through two real Envoys (the
 * shipped envoy-local.yaml, 20 ms, fail closed) in front of two replicas on one Redis: for each
 * algorithm, the most calls the upstream saw stays within what the algorithm guarantees
 * (README, "What each algorithm guarantees").
 */
class BudgetThroughTwoEnvoysIT {
  private static final Duration TRAFFIC = Duration.ofSeconds(6);
  private static final int WORKERS_PER_ENVOY = 3;
  /** Transit jitter between the limiter's decision and the upstream's clock. */
  private static final Duration GRACE = Duration.ofMillis(100);

  enum Rule {
    /** At most N in any sliding window of T. */
    STRICT("{requests_per_unit: 10, period: 2s, algorithm: strict, burst: 2}", Duration.ofSeconds(2), 10),
    /** At most b + N t / T in any interval t: with b = N, 2N in a window of T. */
    TOKEN_BUCKET("{requests_per_unit: 10, period: 2s, algorithm: token_bucket}", Duration.ofSeconds(2), 20),
    /** At most N per epoch-aligned window, so 2N in a sliding one. */
    FIXED_WINDOW("{requests_per_unit: 10, unit: second}", Duration.ofSeconds(1), 20);

    final String rateLimit;
    final Duration window;
    final int maxInWindow;

    Rule(String rateLimit, Duration window, int maxInWindow) {
      this.rateLimit = rateLimit;
      this.window = window;
      this.maxInWindow = maxInWindow;
    }
  }

  @ParameterizedTest
  @EnumSource(Rule.class)
  void theUpstreamNeverSeesMoreThanTheRuleAllows(Rule rule) throws Exception {
    String limits = "domain: geocode\ndescriptors:\n  - key: generic_key\n    value: geocode\n    rate_limit: "
        + rule.rateLimit + "\n";
    try (EnvoyFleet fleet = EnvoyFleet.start("budget-" + rule.name().toLowerCase(), limits, 2, EnvoyFiles.LOCAL,
        tree -> {})) {
      Tally tally = drive(fleet);
      UpstreamStats seen = fleet.upstreamStats(rule.window, GRACE);
      System.out.printf("%s through two Envoys: %d admitted, %d limited (429), %d refused (503) in %s;"
              + " the upstream saw %d, at most %d in any %s window (allowed %d)%n", rule, tally.admitted.get(),
          tally.limited.get(), tally.refused.get(), TRAFFIC, seen.total(), seen.maxInWindow(), rule.window,
          rule.maxInWindow);
      assertTrue(seen.maxInWindow() <= rule.maxInWindow,
          rule + ": the upstream saw " + seen.maxInWindow() + " in one window; allowed " + rule.maxInWindow);
      assertTrue(tally.admitted.get() > 0, "some calls went out");
      assertTrue(tally.limited.get() > 0, "the traffic was over the budget, so some were limited");
    }
  }

  private record Tally(AtomicLong admitted, AtomicLong limited, AtomicLong refused) {}

  private static Tally drive(EnvoyFleet fleet) throws Exception {
    Tally tally = new Tally(new AtomicLong(), new AtomicLong(), new AtomicLong());
    long end = System.nanoTime() + TRAFFIC.toNanos();
    ExecutorService workers = Executors.newFixedThreadPool(2 * WORKERS_PER_ENVOY);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int worker = 0; worker < 2 * WORKERS_PER_ENVOY; worker++) {
        GatewayCalls calls = fleet.calls(worker % 2);
        running.add(workers.submit(() -> {
          while (System.nanoTime() < end) {
            HttpResponse<String> response = calls.call();
            switch (response.statusCode()) {
              case 200 -> tally.admitted.incrementAndGet();
              case 429 -> tally.limited.incrementAndGet();
              default -> tally.refused.incrementAndGet();
            }
            Thread.sleep(20);
          }
          return null;
        }));
      }
      for (Future<?> worker : running) {
        worker.get();
      }
    } finally {
      workers.shutdownNow();
    }
    return tally;
  }
}
