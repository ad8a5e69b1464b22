package io.egressratelimit.rlqs.ledger;

/**
 * What the RLQS path reports to metrics, owned here so the core and its adapters need no metrics
 * library. Labels stay bounded: a rule's dotted path, never a descriptor value or an Envoy.
 */
public interface QuotaMetrics {
  QuotaMetrics NONE = new QuotaMetrics() {};

  /** A stream opened (+1) or ended (-1) on this replica. */
  default void streams(int change) {}

  /** One bucket's usage arrived in a report. */
  default void usageReported() {}

  /**
   * An answer left for one bucket.
   *
   * @param kind {@code token_bucket}, {@code deny_all} or {@code abandon}
   * @param renewed the same share again, which Envoy keeps with its tokens
   */
  default void assignmentSent(String kind, boolean renewed) {}

  /** No answer could be given: the ledger could not be read or written. */
  default void reportUnanswered() {}

  /** A ledger write found the ledger changed by another replica and tried again. */
  default void ledgerConflict() {}

  /** The figures of one rule's ledger as this replica just wrote it. */
  default void ledgerWritten(String ruleKey, LedgerFigures figures) {}
}
