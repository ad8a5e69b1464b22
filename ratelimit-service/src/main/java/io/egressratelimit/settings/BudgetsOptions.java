package io.egressratelimit.settings;

import picocli.CommandLine.Help;
import picocli.CommandLine.Option;

/** The bounds of the {@code /budgets} view. */
public final class BudgetsOptions {
  @Option(names = "--budgets-tracked-buckets", paramLabel = "N", showDefaultValue = Help.Visibility.ALWAYS,
      defaultValue = "${env:BUDGETS_TRACKED_BUCKETS:-1000}",
      description = "The most buckets whose recent decisions /budgets remembers (idle ones make room after a "
          + "minute). Env: BUDGETS_TRACKED_BUCKETS.")
  int trackedBuckets;

  @Option(names = "--budgets-shown-per-rule", paramLabel = "N", showDefaultValue = Help.Visibility.ALWAYS,
      defaultValue = "${env:BUDGETS_SHOWN_PER_RULE:-10}",
      description = "The most active buckets /budgets shows, and reads from the store at most once a second, per "
          + "rule. Env: BUDGETS_SHOWN_PER_RULE.")
  int shownPerRule;

  BudgetsSettings toSettings() {
    if (trackedBuckets < 1) {
      throw new SettingsException("--budgets-tracked-buckets (BUDGETS_TRACKED_BUCKETS) must be at least 1, got "
          + trackedBuckets);
    }
    if (shownPerRule < 1) {
      throw new SettingsException("--budgets-shown-per-rule (BUDGETS_SHOWN_PER_RULE) must be at least 1, got "
          + shownPerRule);
    }
    return new BudgetsSettings(trackedBuckets, shownPerRule);
  }
}
