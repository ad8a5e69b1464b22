package io.egressratelimit.rlqs.ledger;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Turns one subscriber's report into the share to send it: reads the budget's ledger, applies the
 * report, and writes the ledger back only if nobody changed it meanwhile, trying again otherwise.
 * Two replicas therefore never hand out the same tokens.
 */
public final class QuotaAssigner {
  /** Reports of one budget arrive one per 5 s per Envoy (Envoy 1.40); beyond this many collisions something is wrong. */
  private static final int ATTEMPTS = 32;

  /**
   * What to send a subscriber.
   *
   * @param renewed the share it holds, sent again unchanged: Envoy keeps its bucket and tokens
   */
  public record Assigned(Share share, boolean renewed) {}

  private final LedgerStore store;
  private final QuotaTiming timing;
  private final QuotaMetrics metrics;

  public QuotaAssigner(LedgerStore store, QuotaTiming timing, QuotaMetrics metrics) {
    this.store = store;
    this.timing = timing;
    this.metrics = metrics;
  }

  public QuotaTiming timing() {
    return timing;
  }

  public LedgerStore store() {
    return store;
  }

  /**
   * The share to send; fails when the store is unreachable or stays contended (then nothing is sent).
   *
   * @param ruleKey the rule's dotted path, for metrics
   */
  public CompletionStage<Assigned> report(String ledgerKey, String ruleKey, QuotaBudget budget, String subscriberId,
      long requests) {
    return attempt(ledgerKey, ruleKey, budget, subscriberId, requests, 1);
  }

  private CompletionStage<Assigned> attempt(String key, String ruleKey, QuotaBudget budget, String subscriberId,
      long requests, int attempt) {
    return store.read(key).thenCompose(read -> {
      Ledger ledger = read.text().map(LedgerText::read).orElseGet(() -> Ledger.open(budget, timing, read.nowMicros()));
      Share share = ledger.report(budget, timing, subscriberId, requests, read.nowMicros());
      Assigned assigned = new Assigned(share, ledger.renewedLast());
      return store.replace(key, read.text(), LedgerText.write(ledger), keep(budget)).thenCompose(stored -> {
        if (stored) {
          metrics.ledgerWritten(ruleKey, LedgerFigures.of(ledger, budget, read.nowMicros()));
          return CompletableFuture.completedFuture(assigned);
        }
        metrics.ledgerConflict();
        if (attempt >= ATTEMPTS) {
          return CompletableFuture.failedFuture(new IllegalStateException(
              "the quota ledger " + key + " changed under " + ATTEMPTS + " attempts in a row"));
        }
        return attempt(key, ruleKey, budget, subscriberId, requests, attempt + 1);
      });
    });
  }

  /**
   * Long enough that a ledger is only forgotten once all its assignments are over and its pool is full
   * again; one reborn later opens after TTL + D, which loses nothing.
   */
  Duration keep(QuotaBudget budget) {
    long fillSeconds = (budget.burst() * budget.periodSeconds() + budget.ratePerPeriod() - 1) / budget.ratePerPeriod();
    return timing.ttl().plus(timing.delivery()).plusSeconds(fillSeconds).plusMinutes(1);
  }

  /** The key of a budget's ledger: a changed rule is a new ledger, which opens only once the old one's assignments are over. */
  public static String ledgerKey(String bucketKey, QuotaBudget budget) {
    return bucketKey + "|" + budget.burst() + "/" + budget.ratePerPeriod() + "/" + budget.periodSeconds() + "s"
        + (budget.startsFull() ? "" : "/strict");
  }
}
