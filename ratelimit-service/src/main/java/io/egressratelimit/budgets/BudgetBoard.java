package io.egressratelimit.budgets;

import io.egressratelimit.budgets.BudgetActivity.LiveBucket;
import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.config.RuleMatch;
import io.egressratelimit.domain.BucketKey;
import io.egressratelimit.domain.Rule;
import io.egressratelimit.limiter.BucketSpecs;
import io.egressratelimit.limiter.NanoClock;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketLevel;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.Completions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The live view of every budget behind {@code /budgets}: each rule with its guarantee, then the
 * buckets this replica decided on recently with the tokens they hold now, read from the store.
 *
 * <p>Its cost is bounded whatever the number of viewers: one view is built at most once per
 * {@code refresh}, with one read-only store call per domain for at most {@code shownPerRule}
 * buckets of each rule, and every viewer in between gets that same view.
 */
public final class BudgetBoard {
  private final Supplier<RateLimitConfig> config;
  private final BudgetActivity activity;
  private final BucketStore store;
  private final boolean fleetWide;
  private final int shownPerRule;
  private final long refreshNanos;
  private final LongSupplier nanoTicker;
  private final NanoClock clock;
  private final AtomicReference<Cached> cached = new AtomicReference<>();

  private record Cached(long builtAtNanos, CompletableFuture<BudgetsView> view) {}

  /**
   * @param store where tokens are read (the activity's own store, or any store around the same buckets)
   * @param fleetWide the store is shared by every replica, so the tokens left are the fleet's
   */
  public BudgetBoard(Supplier<RateLimitConfig> config, BudgetActivity activity, BucketStore store, boolean fleetWide,
      int shownPerRule, Duration refresh, LongSupplier nanoTicker, NanoClock clock) {
    this.config = config;
    this.activity = activity;
    this.store = store;
    this.fleetWide = fleetWide;
    this.shownPerRule = shownPerRule;
    this.refreshNanos = refresh.toNanos();
    this.nanoTicker = nanoTicker;
    this.clock = clock;
  }

  /** The current view, built afresh only when the last one is older than the refresh interval. */
  public CompletionStage<BudgetsView> view() {
    while (true) {
      long now = nanoTicker.getAsLong();
      Cached last = cached.get();
      if (last != null && now - last.builtAtNanos() < refreshNanos) {
        return last.view();
      }
      CompletableFuture<BudgetsView> next = new CompletableFuture<>();
      if (cached.compareAndSet(last, new Cached(now, next))) {
        build().whenComplete((view, failure) -> {
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

  private CompletionStage<BudgetsView> build() {
    RateLimitConfig rules = config.get();
    Map<Rule, List<Shown>> byRule = new LinkedHashMap<>();
    for (Rule rule : rules.rules()) {
      byRule.put(rule, new ArrayList<>());
    }
    Map<String, Integer> liveCount = new LinkedHashMap<>();
    List<Shown> shown = new ArrayList<>();
    for (LiveBucket bucket : activity.live()) {
      Optional<RuleMatch> match = BucketKey.parse(bucket.key())
          .flatMap(parsed -> rules.match(parsed.domain(), parsed.entries()));
      if (match.isEmpty() || !byRule.containsKey(match.get().rule())) {
        continue;
      }
      Rule rule = match.get().rule();
      int count = liveCount.merge(rule.fullKey(), 1, Integer::sum);
      if (count <= shownPerRule) {
        Shown one = new Shown(bucket, match.get().metricKey());
        byRule.get(rule).add(one);
        shown.add(one);
      }
    }
    return readLevels(shown).thenApply(levels -> {
      List<RuleView> views = new ArrayList<>();
      byRule.forEach((rule, buckets) -> views.add(ruleView(rule, buckets, levels,
          liveCount.getOrDefault(rule.fullKey(), 0))));
      return new BudgetsView(clock.epochNanos() / 1_000_000, store.describe(), fleetWide, views);
    });
  }

  /** One read-only store call per domain; a failed read leaves its buckets' tokens unknown, with the reason. */
  private CompletionStage<Map<LiveBucket, Level>> readLevels(List<Shown> shown) {
    Map<String, List<LiveBucket>> byDomain = new LinkedHashMap<>();
    for (Shown one : shown) {
      byDomain.computeIfAbsent(one.bucket().domain(), s -> new ArrayList<>()).add(one.bucket());
    }
    Map<LiveBucket, Level> levels = new java.util.concurrent.ConcurrentHashMap<>();
    List<CompletableFuture<Void>> reads = new ArrayList<>();
    byDomain.forEach((domain, buckets) -> {
      List<BucketClaim> claims = buckets.stream()
          .map(bucket -> new BucketClaim(bucket.key(), bucket.spec(), 0, 0, false))
          .toList();
      BucketBatch batch = new BucketBatch(claims, domain);
      CompletionStage<List<BucketLevel>> pending = Completions.calling(() -> store.peek(batch));
      reads.add(pending.toCompletableFuture().handle((read, failure) -> {
        for (int i = 0; i < buckets.size(); i++) {
          levels.put(buckets.get(i), failure == null
              ? new Level(Optional.of(read.get(i)), "")
              : new Level(Optional.empty(), reasonOf(failure)));
        }
        return null;
      }));
    });
    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> levels);
  }

  private static String reasonOf(Throwable failure) {
    Throwable cause = Completions.cause(failure);
    return String.valueOf(cause.getMessage());
  }

  private RuleView ruleView(Rule rule, List<Shown> buckets, Map<LiveBucket, Level> levels, int live) {
    List<BucketView> views = new ArrayList<>();
    for (Shown one : buckets) {
      Level level = levels.get(one.bucket());
      views.add(new BucketView(one.label(), Integer.toHexString(one.bucket().key().hashCode()),
          one.bucket().spec().capacity(),
          level.read().map(l -> OptionalLong.of(l.tokens())).orElse(OptionalLong.empty()),
          level.read().map(BucketLevel::untilFull), level.problem(),
          one.bucket().admittedPerSecond(), one.bucket().deniedPerSecond()));
    }
    return new RuleView(rule, rule.policy().map(Guarantees::of).orElse("unlimited: never limited, never stored"),
        rule.policy().map(p -> BucketSpecs.of(p).capacity()).orElse(0L), live, views);
  }

  private record Shown(LiveBucket bucket, String label) {}

  private record Level(Optional<BucketLevel> read, String problem) {}

  /**
   * Every budget at one moment.
   *
   * @param atEpochMillis when the view was built
   * @param store the store's description (never credentials: stores describe themselves redacted)
   * @param fleetWide tokens are read from a store every replica shares
   */
  public record BudgetsView(long atEpochMillis, String store, boolean fleetWide, List<RuleView> rules) {}

  /**
   * One rule.
   *
   * @param guarantee what the rule promises, in a sentence with its numbers
   * @param capacity the most tokens one of its buckets holds (0 when unlimited)
   * @param liveBuckets how many of its buckets this replica decided on in the last minute
   * @param buckets the most active of them, at most the configured number
   */
  public record RuleView(Rule rule, String guarantee, long capacity, int liveBuckets, List<BucketView> buckets) {}

  /**
   * One live bucket.
   *
   * @param label the descriptor as metrics label it (values only where detailed_metric or
   *     value_to_metric ask for them)
   * @param id a short stable id that tells apart buckets sharing a label
   * @param capacity the most tokens it holds (a limit from Envoy's request may differ from the rule's)
   * @param tokens the tokens left now; empty when the store could not be read
   * @param untilFull when it is full again; empty when the store could not be read
   * @param problem why the store could not be read, or empty
   * @param admittedPerSecond this replica's admitted requests in each of the last 60 seconds, oldest first
   * @param deniedPerSecond this replica's requests denied by this bucket, likewise
   */
  public record BucketView(String label, String id, long capacity, OptionalLong tokens, Optional<Duration> untilFull,
      String problem, long[] admittedPerSecond, long[] deniedPerSecond) {}
}
