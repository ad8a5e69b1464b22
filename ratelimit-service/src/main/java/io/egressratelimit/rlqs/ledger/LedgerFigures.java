package io.egressratelimit.rlqs.ledger;

/**
 * A ledger at one moment, in the budget's tokens.
 *
 * @param poolTokens tokens no assignment holds, ready to pay the burst of new token buckets
 * @param rateHeld tokens per period that assignments which may still be in use hold
 * @param burstHeld tokens of burst those assignments hold, or have been paid for
 * @param shares subscribers whose current assignment is a token bucket
 * @param subscribers subscribers the ledger knows
 */
public record LedgerFigures(long poolTokens, long rateHeld, long burstHeld, int shares, int subscribers) {
  static LedgerFigures of(Ledger ledger, QuotaBudget budget, long nowMicros) {
    int shares = (int) ledger.subscribers.values().stream()
        .filter(s -> s.current.filter(g -> g.liveAt(nowMicros) && !g.share().none()).isPresent()).count();
    return new LedgerFigures(ledger.poolTokens(budget), ledger.reservedRate(nowMicros), ledger.reservedBurst(nowMicros),
        shares, ledger.subscribers.size());
  }
}
