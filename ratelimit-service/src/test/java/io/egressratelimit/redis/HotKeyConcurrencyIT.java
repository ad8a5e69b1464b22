package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.ManualClock;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import io.egressratelimit.limiter.store.BucketSpec.RefillStyle;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.testing.redis.OneRedisServer;
import io.egressratelimit.testing.redis.RespClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hot key: 400 concurrent two-descriptor requests, each on the global budget of 20 and on its
 * caller's budget (ten callers; with 3 each, 30 in all, the global budget decides). Time stands still.
 *
 * <p>The atomic script, coalesced, must admit exactly 20 with every token accounted for. bucket4j's
 * compare-and-swap with consume-then-refund may admit fewer (a token held for a moment by a request
 * that gives it back can turn another away) but never more, and after the refunds every bucket
 * holds exactly its budget minus what admitted requests spent.
 */
class HotKeyConcurrencyIT {
  private static final BucketSpec GLOBAL = new BucketSpec(20, 20, Duration.ofMinutes(1), RefillStyle.INTERVAL_ALIGNED, 20);
  private static final int CALLERS = 10;
  private static final int REQUESTS = 400;

  @RegisterExtension
  static final OneRedisServer redis = new OneRedisServer();

  /** One run's keys, and what it admitted per caller. */
  private static final class Workload {
    final String run = UUID.randomUUID().toString();
    final boolean globalFirst;
    final int callerBudget;
    final BucketSpec perCaller;
    final int[] admittedPerCaller = new int[CALLERS];
    /** Denied requests one of whose claims had passed: with consume-then-refund, tokens given back. */
    int deniedAfterAPass;

    Workload(boolean globalFirst, int callerBudget) {
      this.globalFirst = globalFirst;
      this.callerBudget = callerBudget;
      this.perCaller =
          new BucketSpec(callerBudget, callerBudget, Duration.ofMinutes(1), RefillStyle.INTERVAL_ALIGNED, callerBudget);
    }

    BucketBatch request(int i) {
      BucketClaim global = new BucketClaim(run + ":global", GLOBAL, 1, 1, true);
      BucketClaim caller = new BucketClaim(run + ":caller-" + i % CALLERS, perCaller, 1, 1, true);
      return new BucketBatch(globalFirst ? List.of(global, caller) : List.of(caller, global), "geocode");
    }

    void record(int request, BatchOutcome outcome) {
      if (outcome.admitted()) {
        admittedPerCaller[request % CALLERS]++;
      } else if (outcome.states().stream().anyMatch(state -> state.passed())) {
        deniedAfterAPass++;
      }
    }

    int admitted() {
      int total = 0;
      for (int count : admittedPerCaller) {
        total += count;
      }
      return total;
    }

    /** Every bucket holds its budget minus what the admitted requests spent, no more and no less. */
    void assertEveryTokenAccountedFor(BucketStore store) {
      assertEquals(20 - admitted(), remaining(store, run + ":global", GLOBAL), "global tokens left");
      for (int c = 0; c < CALLERS; c++) {
        assertTrue(admittedPerCaller[c] <= callerBudget, "caller " + c + " admitted " + admittedPerCaller[c]);
        assertEquals(callerBudget - admittedPerCaller[c], remaining(store, run + ":caller-" + c, perCaller),
            "caller " + c + "'s tokens left");
      }
    }
  }

  @ParameterizedTest(name = "{0} script call(s) in flight")
  @ValueSource(ints = {1, 2})
  void theCoalescedScriptAdmitsExactlyTheGlobalBudget(int maxInFlight) throws Exception {
    try (BucketStore store = scriptStore(maxInFlight)) {
      long callsBefore = scriptCalls();
      Workload workload = new Workload(true, 3);
      runConcurrently(store, workload);
      long calls = scriptCalls() - callsBefore;
      assertEquals(20, workload.admitted());
      workload.assertEveryTokenAccountedFor(store);
      assertTrue(calls < REQUESTS, "requests shared round trips: " + calls + " calls");
    }
  }

  /**
   * With Redis frozen while the requests arrive, all but the first wait in one queue: the test then
   * knows that they share calls, rather than hoping they happen to.
   */
  @Test
  void requestsQueuedBehindAStalledCallShareOneCallAndStayExact() throws Exception {
    try (BucketStore store = scriptStore(1)) {
      remaining(store, "warm-up", GLOBAL); // the script is cached and the connection open
      long callsBefore = scriptCalls();
      Workload workload = new Workload(true, 3);
      List<CompletableFuture<BatchOutcome>> answers = new ArrayList<>();
      redis.node().pause();
      try {
        for (int i = 0; i < REQUESTS; i++) {
          answers.add(store.consume(workload.request(i)).toCompletableFuture());
        }
      } finally {
        redis.node().resume();
      }
      for (int i = 0; i < REQUESTS; i++) {
        workload.record(i, answers.get(i).get(30, TimeUnit.SECONDS));
      }
      // The first request hands the Redis I/O thread a drain; whatever has queued when it runs goes
      // with it (all 400, or the first alone), and everything after that together.
      long calls = scriptCalls() - callsBefore;
      assertTrue(calls >= 1 && calls <= 2, "400 requests in one or two script calls, not " + calls);
      assertEquals(20, workload.admitted());
      workload.assertEveryTokenAccountedFor(store);
    }
  }

  /**
   * With one token per caller the callers decide (10 of the global 20): requests of a spent caller
   * that claim the global budget first take a global token and must give it back.
   */
  @ParameterizedTest(name = "global budget claimed first: {0}, per-caller budget {1}")
  @CsvSource({"true, 3", "false, 3", "true, 1", "false, 1"})
  void bucket4jWithRefundsNeverAdmitsMoreAndLosesNoToken(boolean globalFirst, int callerBudget) throws Exception {
    try (BucketStore store = TestStores.atClientTime(redis.url(), RedisTopology.SINGLE, RedisStrategy.BUCKET4J_CAS,
        ManualClock.midMinute())) {
      for (int round = 0; round < 3; round++) {
        Workload workload = new Workload(globalFirst, callerBudget);
        runConcurrently(store, workload);
        int most = Math.min(20, CALLERS * callerBudget);
        assertTrue(workload.admitted() <= most, "admitted " + workload.admitted() + " where at most " + most + " fit");
        assertTrue(workload.admitted() > 0, "the budget was in use");
        if (globalFirst && callerBudget == 1) {
          assertTrue(workload.deniedAfterAPass > 0, "global tokens were taken and given back");
        }
        workload.assertEveryTokenAccountedFor(store);
      }
    }
  }

  private static BucketStore scriptStore(int maxInFlight) {
    RedisStoreSettings settings = TestStores.settings(redis.url(), RedisTopology.SINGLE, RedisStrategy.ATOMIC_SCRIPT)
        .withMaxInFlight(maxInFlight);
    return ScriptStores.connect(settings, DecisionTime.client(ManualClock.midMinute()));
  }

  private static void runConcurrently(BucketStore store, Workload workload) throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(16);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<CompletableFuture<BatchOutcome>>> answers = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        BucketBatch request = workload.request(i);
        answers.add(callers.submit(() -> {
          go.await();
          return store.consume(request).toCompletableFuture();
        }));
      }
      go.countDown();
      for (int i = 0; i < REQUESTS; i++) {
        workload.record(i, answers.get(i).get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS));
      }
    } finally {
      callers.shutdownNow();
    }
  }

  /** Tokens left, read with a check that takes none. */
  private static long remaining(BucketStore store, String key, BucketSpec spec) {
    BucketBatch check = new BucketBatch(List.of(new BucketClaim(key, spec, 1, 0, true)), "geocode");
    return store.consume(check).toCompletableFuture().join().states().get(0).remaining();
  }

  /** Script calls Redis has run so far, by SHA or by source. */
  private static long scriptCalls() {
    return callsOf("cmdstat_evalsha") + callsOf("cmdstat_eval");
  }

  private static long callsOf(String command) {
    String stats = RespClient.info(redis.port(), "commandstats", command);
    return stats.isEmpty() ? 0 : Long.parseLong(stats.substring("calls=".length(), stats.indexOf(',')));
  }
}
