package io.egressratelimit.budgets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.budgets.BudgetBoard.BucketView;
import io.egressratelimit.budgets.BudgetBoard.BudgetsView;
import io.egressratelimit.budgets.BudgetBoard.RuleView;
import io.egressratelimit.config.ConfigParser;
import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.LimitRequest;
import io.egressratelimit.domain.RequestDescriptor;
import io.egressratelimit.limiter.DecisionListener;
import io.egressratelimit.limiter.EngineSettings;
import io.egressratelimit.limiter.ManualClock;
import io.egressratelimit.limiter.RateLimitEngine;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketLevel;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.ForwardingBucketStore;
import io.egressratelimit.memory.InMemoryBucketStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live budget view on a manual clock: what it counts, what it reads, and what it costs. */
class BudgetBoardTest {
  private static final String LIMITS = """
      domain: geocode
      descriptors:
        - key: generic_key
          value: geocode
          rate_limit: {name: geocode, requests_per_unit: 5, unit: minute}
          descriptors:
            - key: caller
              detailed_metric: true
              rate_limit: {requests_per_unit: 3, unit: minute}
        - key: generic_key
          value: free
          rate_limit: {unlimited: true}
      """;

  private final ManualClock clock = ManualClock.midMinute();
  private final AtomicLong ticker = new AtomicLong();
  private final AtomicInteger peeks = new AtomicInteger();
  private RateLimitConfig config;
  private BudgetActivity activity;
  private RateLimitEngine engine;

  @BeforeEach
  void start() throws Exception {
    config = ConfigParser.parse("geocode.yaml", LIMITS);
    BucketStore peekCounting = new ForwardingBucketStore(new InMemoryBucketStore(clock)) {
      @Override
      public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
        return forward(batch);
      }

      @Override
      public CompletionStage<List<BucketLevel>> peek(BucketBatch batch) {
        peeks.incrementAndGet();
        return super.peek(batch);
      }
    };
    activity = new BudgetActivity(peekCounting, clock, 3);
    engine = new RateLimitEngine(() -> config, activity, DecisionListener.NONE, ticker::get,
        EngineSettings.DEFAULT);
  }

  private BudgetBoard board(int shownPerRule) {
    return new BudgetBoard(() -> config, activity, activity, false, shownPerRule, Duration.ofSeconds(1), ticker::get,
        clock);
  }

  private void ask(String... keyValues) {
    List<DescriptorEntry> entries = new java.util.ArrayList<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      entries.add(new DescriptorEntry(keyValues[i], keyValues[i + 1]));
    }
    engine.shouldRateLimit(new LimitRequest("geocode", List.of(new RequestDescriptor(entries, Optional.empty(),
        OptionalLong.empty())), 0)).toCompletableFuture().join();
  }

  private static RuleView rule(BudgetsView view, String key) {
    return view.rules().stream().filter(r -> r.rule().fullKey().equals(key)).findFirst().orElseThrow();
  }

  @Test
  void showsEachRuleWithItsGuaranteeAndItsBucketsTokensAndDecisions() {
    for (int i = 0; i < 7; i++) {
      ask("generic_key", "geocode");
    }
    BudgetsView view = board(10).view().toCompletableFuture().join();
    assertEquals(3, view.rules().size(), "every rule, unlimited ones too");
    RuleView geocode = rule(view, "geocode.generic_key_geocode");
    assertEquals("at most 5 in each epoch-aligned minute window; two adjacent windows can admit 5 each back to back",
        geocode.guarantee());
    assertEquals(1, geocode.liveBuckets());
    BucketView bucket = geocode.buckets().get(0);
    assertEquals(OptionalLong.of(0), bucket.tokens());
    assertEquals(Optional.of(Duration.ofSeconds(30)), bucket.untilFull(), "the window turns at the full minute");
    assertEquals(5, LongStream.of(bucket.admittedPerSecond()).sum());
    assertEquals(2, LongStream.of(bucket.deniedPerSecond()).sum());
    assertEquals(60, bucket.admittedPerSecond().length);
    assertEquals(5, bucket.admittedPerSecond()[59], "counted in the current second, the last entry");
    assertTrue(rule(view, "geocode.generic_key_free").buckets().isEmpty());
  }

  @Test
  void aRequestOverItsBucketCountsAsDeniedThere() {
    for (int i = 0; i < 4; i++) {
      ask("generic_key", "geocode", "caller", "batch");
    }
    BudgetsView view = board(10).view().toCompletableFuture().join();
    BucketView caller = rule(view, "geocode.generic_key_geocode.caller").buckets().get(0);
    assertEquals("geocode.generic_key_geocode.caller_batch", caller.label(), "detailed_metric shows the value");
    assertEquals(3, LongStream.of(caller.admittedPerSecond()).sum());
    assertEquals(1, LongStream.of(caller.deniedPerSecond()).sum());
    assertEquals(OptionalLong.of(0), caller.tokens());
  }

  @Test
  void showsTheMostActiveBucketsOfARuleAndCountsTheRest() {
    ask("generic_key", "geocode", "caller", "a");
    ask("generic_key", "geocode", "caller", "b");
    ask("generic_key", "geocode", "caller", "b");
    RuleView callers = rule(board(1).view().toCompletableFuture().join(), "geocode.generic_key_geocode.caller");
    assertEquals(2, callers.liveBuckets());
    assertEquals(1, callers.buckets().size());
    assertEquals("geocode.generic_key_geocode.caller_b", callers.buckets().get(0).label());
  }

  @Test
  void readsTheStoreAtMostOncePerRefreshWhateverTheViewers() {
    ask("generic_key", "geocode");
    BudgetBoard board = board(10);
    CompletionStage<BudgetsView> first = board.view();
    assertSame(first, board.view());
    assertEquals(1, peeks.get(), "one read for the one domain");
    ticker.addAndGet(Duration.ofSeconds(1).toNanos());
    board.view().toCompletableFuture().join();
    assertEquals(2, peeks.get());
  }

  @Test
  void aBucketIdleForAMinuteIsNoLongerLiveAndMakesRoom() {
    ask("generic_key", "geocode", "caller", "a");
    ask("generic_key", "geocode", "caller", "b");
    ask("generic_key", "geocode", "caller", "c");
    ask("generic_key", "geocode", "caller", "d");
    assertEquals(3, activity.live().size(), "the tracked buckets are bounded");
    clock.advance(Duration.ofSeconds(60));
    assertEquals(0, activity.live().size());
    ask("generic_key", "geocode", "caller", "e");
    assertEquals(List.of("geocode|generic_key=geocode|caller=e"),
        activity.live().stream().map(b -> b.key().substring(0, b.key().indexOf('#'))).toList());
  }
}
