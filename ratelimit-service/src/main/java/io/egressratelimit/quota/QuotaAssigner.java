package io.egressratelimit.quota;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Turns one subscriber's report into the share to send it: reads the budget's ledger, applies the
 * report, and writes the ledger back only if nobody changed it meanwhile, trying again otherwise.
 * Two replicas therefore never hand out the same tokens.
 */
public final class QuotaAssigner {
  /** Reports of one budget arrive a few per second per Envoy; beyond this many collisions something is wrong. */
  private static final int ATTEMPTS = 32;

  private final LedgerStore store;
  private final QuotaTiming timing;

  public QuotaAssigner(LedgerStore store, QuotaTiming timing) {
    this.store = store;
    this.timing = timing;
  }

  public QuotaTiming timing() {
    return timing;
  }

  /** The share to send; fails when the store is unreachable or stays contended (then nothing is sent). */
  public CompletionStage<Share> report(String ledgerKey, QuotaBudget budget, String subscriberId, long requests) {
    return attempt(ledgerKey, budget, subscriberId, requests, 1);
  }

  private CompletionStage<Share> attempt(String key, QuotaBudget budget, String subscriberId, long requests,
      int attempt) {
    return store.read(key).thenCompose(read -> {
      Ledger ledger = read.text().map(LedgerText::read).orElseGet(() -> Ledger.open(budget, timing, read.nowMicros()));
      Share share = ledger.report(budget, timing, subscriberId, requests, read.nowMicros());
      return store.replace(key, read.text(), LedgerText.write(ledger), keep(budget)).thenCompose(stored -> {
        if (stored) {
          return CompletableFuture.completedFuture(share);
        }
        if (attempt >= ATTEMPTS) {
          return CompletableFuture.failedFuture(new IllegalStateException(
              "the quota ledger " + key + " changed under " + ATTEMPTS + " attempts in a row"));
        }
        return attempt(key, budget, subscriberId, requests, attempt + 1);
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
