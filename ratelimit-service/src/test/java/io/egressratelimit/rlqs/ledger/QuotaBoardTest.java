package io.egressratelimit.rlqs.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.memory.InMemoryLedgerStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The RLQS budgets behind /budgets, read from the ledger the assigner wrote, and the figures metrics get. */
class QuotaBoardTest {
  private static final QuotaTiming TIMING = new QuotaTiming(Duration.ofSeconds(2), Duration.ofMillis(10));
  private static final QuotaBudget BUDGET = new QuotaBudget(8, 32, 10, true);
  private static final String LEDGER = QuotaAssigner.ledgerKey("geocode|generic_key=api", BUDGET);

  private final AtomicLong ticker = new AtomicLong();
  private final InMemoryLedgerStore store = new InMemoryLedgerStore();
  private final List<LedgerFigures> written = new ArrayList<>();
  private final QuotaAssigner assigner = new QuotaAssigner(store, TIMING, new QuotaMetrics() {
    @Override
    public void ledgerWritten(String ruleKey, LedgerFigures figures) {
      assertEquals("egress.generic_key_api", ruleKey);
      written.add(figures);
    }
  });

  @Test
  void eachEnvoysShareShowsUnderItsAddressOnceTheLedgerOpens() throws Exception {
    QuotaBoard board = new QuotaBoard(store, 10, Duration.ZERO, ticker::get);
    assertEquals(List.of(), board.view().toCompletableFuture().join(), "nothing reported yet");
    String one = SubscriberId.of("r1-1", "10.0.3.7:41234", "Z2VuZXJpY19rZXk");
    String two = SubscriberId.of("r2-1", "/10.0.3.8:5000", "Z2VuZXJpY19rZXk");
    report(board, one, 50);
    QuotaBoard.LedgerView closed = board.view().toCompletableFuture().join().get(0);
    assertTrue(closed.opensInSeconds() > 0 && closed.opensInSeconds() <= 2.01,
        "a new ledger waits TTL + D: " + closed.opensInSeconds());

    Thread.sleep(TIMING.ttl().plus(TIMING.delivery()).toMillis() + 50);
    report(board, one, 50);
    report(board, two, 50);
    ticker.addAndGet(1);
    QuotaBoard.LedgerView open = board.view().toCompletableFuture().join().get(0);
    assertEquals(0.0, open.opensInSeconds());
    assertEquals("generic_key=api", open.bucket());
    Map<String, QuotaBoard.ShareView> byEnvoy = new java.util.TreeMap<>();
    open.shares().forEach(s -> byEnvoy.put(s.envoy(), s));
    assertEquals(List.of("10.0.3.7:41234", "10.0.3.8:5000"), List.copyOf(byEnvoy.keySet()), "by address, no slash");
    assertTrue(byEnvoy.get("10.0.3.7:41234").tokensPerPeriod() > 0, "the first Envoy holds a share: " + byEnvoy);
    assertEquals(open.figures().rateHeld(), written.get(written.size() - 1).rateHeld(), "metrics see the same ledger");
    assertTrue(open.figures().poolTokens() + open.figures().burstHeld() <= BUDGET.burst(), open.figures().toString());
  }

  private void report(QuotaBoard board, String subscriber, long requests) {
    board.reported(LEDGER, "egress.generic_key_api", "generic_key=api", BUDGET);
    assigner.report(LEDGER, "egress.generic_key_api", BUDGET, subscriber, requests).toCompletableFuture().join();
  }
}
