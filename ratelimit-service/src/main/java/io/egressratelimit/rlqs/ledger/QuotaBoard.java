package io.egressratelimit.rlqs.ledger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The RLQS budgets behind {@code /budgets}: each ledger this replica's streams reported in the last
 * minute, read from the ledger store, with every Envoy's current share. With Redis the ledger is the
 * fleet's, so a replica shows the shares of Envoys streaming to other replicas too.
 *
 * <p>Its cost is bounded whatever the number of viewers: one view is built at most once per
 * {@code refresh}, with one read per ledger for at most {@code shown} ledgers.
 */
public final class QuotaBoard {
  private static final Duration FORGET_AFTER = Duration.ofMinutes(1);

  /**
   * One Envoy's part of a budget.
   *
   * @param envoy its address as the service sees the stream
   * @param maxTokens the burst of its current assignment (0: DENY_ALL)
   * @param tokensPerPeriod the rate of its current assignment (0: DENY_ALL)
   * @param demandPerSecond requests allowed and denied per second in its latest report
   */
  public record ShareView(String envoy, long maxTokens, long tokensPerPeriod, double demandPerSecond) {}

  /**
   * One ledger: one budget (one bucket of a rule) split between Envoys.
   *
   * @param ruleKey the rule's dotted path
   * @param bucket the BucketId's entries, e.g. {@code generic_key=geocode}
   * @param opensInSeconds how long a new (or lost and reborn) ledger still hands out nothing; 0 when open
   * @param problem why the ledger could not be read, or empty
   */
  public record LedgerView(String ruleKey, String bucket, QuotaBudget budget, LedgerFigures figures,
      double opensInSeconds, List<ShareView> shares, String problem) {}

  private record Tracked(String ruleKey, String bucket, QuotaBudget budget, long lastNanos) {}

  private record Cached(long builtAtNanos, CompletableFuture<List<LedgerView>> view) {}

  private final LedgerStore store;
  private final int shown;
  private final long refreshNanos;
  private final LongSupplier nanoTicker;
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
  private final AtomicReference<Cached> cached = new AtomicReference<>();

  public QuotaBoard(LedgerStore store, int shown, Duration refresh, LongSupplier nanoTicker) {
    this.store = store;
    this.shown = shown;
    this.refreshNanos = refresh.toNanos();
    this.nanoTicker = nanoTicker;
  }

  /** A stream of this replica reported the ledger. */
  public void reported(String ledgerKey, String ruleKey, String bucket, QuotaBudget budget) {
    tracked.put(ledgerKey, new Tracked(ruleKey, bucket, budget, nanoTicker.getAsLong()));
  }

  /** The current view, built afresh only when the last one is older than the refresh interval. */
  public CompletionStage<List<LedgerView>> view() {
    while (true) {
      long now = nanoTicker.getAsLong();
      Cached last = cached.get();
      if (last != null && now - last.builtAtNanos() < refreshNanos) {
        return last.view();
      }
      CompletableFuture<List<LedgerView>> next = new CompletableFuture<>();
      if (cached.compareAndSet(last, new Cached(now, next))) {
        build(now).whenComplete((view, failure) -> {
          if (failure != null) {
            next.completeExceptionally(failure);
          } else {
            next.complete(view);
          }
        });
        return next;
      }
    }
  }

  private CompletionStage<List<LedgerView>> build(long now) {
    tracked.values().removeIf(t -> now - t.lastNanos() > FORGET_AFTER.toNanos());
    List<Map.Entry<String, Tracked>> recent = new ArrayList<>(tracked.entrySet());
    recent.sort(Comparator.comparing((Map.Entry<String, Tracked> e) -> e.getValue().ruleKey())
        .thenComparing(e -> e.getValue().bucket()));
    Map<String, CompletableFuture<LedgerView>> reads = new LinkedHashMap<>();
    for (Map.Entry<String, Tracked> entry : recent.subList(0, Math.min(shown, recent.size()))) {
      Tracked t = entry.getValue();
      reads.put(entry.getKey(), store.read(entry.getKey()).toCompletableFuture()
          .thenApply(read -> view(t, read))
          .exceptionally(failure -> new LedgerView(t.ruleKey(), t.bucket(), t.budget(), null, 0, List.of(),
              String.valueOf((failure.getCause() != null ? failure.getCause() : failure).getMessage()))));
    }
    return CompletableFuture.allOf(reads.values().toArray(CompletableFuture[]::new))
        .thenApply(done -> reads.values().stream().map(CompletableFuture::join).toList());
  }

  private static LedgerView view(Tracked t, LedgerStore.Read read) {
    if (read.text().isEmpty()) {
      return new LedgerView(t.ruleKey(), t.bucket(), t.budget(), new LedgerFigures(0, 0, 0, 0, 0), 0, List.of(),
          "no ledger in the store: a new one opens at the next report");
    }
    Ledger ledger = LedgerText.read(read.text().get());
    long now = read.nowMicros();
    ledger.advance(t.budget(), Math.max(now, ledger.lastSeenMicros));
    List<ShareView> shares = new ArrayList<>();
    ledger.subscribers.forEach((id, s) -> {
      Share held = s.current.filter(g -> g.liveAt(now)).map(Grant::share).orElse(Share.NONE);
      shares.add(new ShareView(SubscriberId.envoy(id).orElse(id), held.maxTokens(), held.tokensPerPeriod(),
          s.demandPerSecond));
    });
    double opensIn = Math.max(0, ledger.openAtMicros - now) / 1e6;
    return new LedgerView(t.ruleKey(), t.bucket(), t.budget(), LedgerFigures.of(ledger, t.budget(), now), opensIn,
        shares, "");
  }
}
