package io.egressratelimit.settings;

/**
 * What {@code /budgets} keeps and shows.
 *
 * @param trackedBuckets the most buckets whose recent decisions are remembered
 * @param shownPerRule the most active buckets shown, and read from the store, per rule
 */
public record BudgetsSettings(int trackedBuckets, int shownPerRule) {
  public static final BudgetsSettings DEFAULT = new BudgetsSettings(1000, 10);
}
