package io.egressratelimit.memory;

import io.egressratelimit.rlqs.ledger.LedgerStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The quota ledgers in this process, for a service without Redis: one replica's budget. Time is the
 * monotonic clock, so a wall-clock step never shortens an assignment.
 */
public final class InMemoryLedgerStore implements LedgerStore {
  private final ConcurrentMap<String, String> ledgers = new ConcurrentHashMap<>();
  private final long originNanos = System.nanoTime();

  @Override
  public CompletionStage<Read> read(String key) {
    return CompletableFuture.completedFuture(new Read(Optional.ofNullable(ledgers.get(key)), nowMicros()));
  }

  @Override
  public CompletionStage<Boolean> replace(String key, Optional<String> expected, String next, Duration keep) {
    boolean stored = expected.isPresent() ? ledgers.replace(key, expected.get(), next)
        : ledgers.putIfAbsent(key, next) == null;
    return CompletableFuture.completedFuture(stored);
  }

  private long nowMicros() {
    return (System.nanoTime() - originNanos) / 1000;
  }

  @Override
  public String describe() {
    return "in-memory";
  }

  @Override
  public void close() {
    ledgers.clear();
  }
}
