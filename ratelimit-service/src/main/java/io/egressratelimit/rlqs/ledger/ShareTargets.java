package io.egressratelimit.rlqs.ledger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shares the subscribers of one budget should have, in proportion to their demand. Only an
 * aim: the ledger hands out a share only once the budget can pay for it.
 *
 * <p>15/16 of the rate (at least one token per period less) and half of the burst are shared out. The rest stays in the ledger's pool,
 * which pays the burst of every new token bucket: without it a fully shared budget could never
 * move a share again.
 */
final class ShareTargets {
  private ShareTargets() {}

  /**
   * 15/16 of the rate, and never all of it (but for a rate of 1): with every token of rate handed
   * out, the pool would never refill, no share could be paid to shrink, and none could ever move.
   */
  static long rateToShare(QuotaBudget budget) {
    long rate = budget.ratePerPeriod();
    return rate == 1 ? 1 : rate - Math.max(1, rate / 16);
  }

  static long burstToShare(QuotaBudget budget) {
    return Math.max(1, budget.burst() / 2);
  }

  static Map<String, Share> of(QuotaBudget budget, Map<String, Double> weights) {
    List<Map.Entry<String, Double>> heaviestFirst = new ArrayList<>(weights.entrySet());
    heaviestFirst.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
        .thenComparing(Map.Entry.comparingByKey()));
    double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    long rate = rateToShare(budget);
    long burst = burstToShare(budget);
    Map<String, Share> shares = new LinkedHashMap<>();
    long rateGiven = 0;
    long burstGiven = 0;
    for (Map.Entry<String, Double> subscriber : heaviestFirst) {
      double part = subscriber.getValue() / total;
      long tokensPerPeriod = Math.max(1, (long) Math.floor(rate * part));
      long maxTokens = Math.max(1, (long) Math.floor(burst * part));
      // Every token bucket needs a token of burst and one of rate: an idle subscriber keeps that much
      // when there is room, so its next request need not wait for a report; the lightest go without
      // when there are more subscribers than tokens.
      if (rateGiven + tokensPerPeriod > rate || burstGiven + maxTokens > burst) {
        shares.put(subscriber.getKey(), Share.NONE);
      } else {
        shares.put(subscriber.getKey(), new Share(maxTokens, tokensPerPeriod));
        rateGiven += tokensPerPeriod;
        burstGiven += maxTokens;
      }
    }
    return shares;
  }
}
