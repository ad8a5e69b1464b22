package io.egressratelimit.rlqs.ledger;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where the ledgers live: Redis, shared by every replica, or this process's memory. The store's
 * clock is the ledgers' clock, so replicas with different clocks still agree when an assignment ends.
 */
public interface LedgerStore extends AutoCloseable {
  /** A ledger's text as stored (empty when there is none) and the store's time in µs. */
  record Read(Optional<String> text, long nowMicros) {}

  CompletionStage<Read> read(String key);

  /**
   * Stores {@code next} only if the ledger is still {@code expected} (empty: still absent), and keeps it
   * for {@code keep} after this write; false when another replica wrote it first.
   */
  CompletionStage<Boolean> replace(String key, Optional<String> expected, String next, Duration keep);

  String describe();

  @Override
  void close();
}
