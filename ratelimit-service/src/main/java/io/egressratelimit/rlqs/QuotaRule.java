package io.egressratelimit.rlqs;

import io.egressratelimit.rlqs.ledger.QuotaBudget;

/**
 * The RLQS budget a bucket belongs to.
 *
 * @param ledgerKey where its ledger is kept: the bucket RLS would use, and the budget's numbers
 * @param budget the numbers
 * @param fullKey the rule's dotted path, for logs
 */
record QuotaRule(String ledgerKey, QuotaBudget budget, String fullKey) {}
