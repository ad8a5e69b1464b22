package io.egressratelimit.limiter;

import static io.egressratelimit.limiter.FakeConfig.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.domain.Algorithm;
import io.egressratelimit.domain.Code;
import io.egressratelimit.domain.Decision;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.DescriptorStatus;
import io.egressratelimit.domain.LimitOverride;
import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.LimitRequest;
import io.egressratelimit.domain.PostPaid;
import io.egressratelimit.domain.RateUnit;
import io.egressratelimit.domain.RequestDescriptor;
import io.egressratelimit.domain.Rule;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.memory.InMemoryBucketStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RateLimitEngineTest {
  private static final DescriptorEntry GEOCODE = new DescriptorEntry("generic_key", "geocode");
  private static final DescriptorEntry CALLER = new DescriptorEntry("caller", "billing");
  private static final LimitPolicy THREE_PER_MINUTE = LimitPolicy.fixedWindow(3, RateUnit.MINUTE);

  private ManualClock clock;
  private CountingStore store;
  private FakeConfig config;
  private RateLimitEngine engine;

  @BeforeEach
  void setUp() {
    clock = ManualClock.midMinute();
    store = new CountingStore(new InMemoryBucketStore(clock));
    config = new FakeConfig().with(rule("test.generic_key_geocode", THREE_PER_MINUTE), GEOCODE);
    engine = new RateLimitEngine(() -> config, store, DecisionListener.NONE, System::nanoTime, EngineSettings.DEFAULT);
  }

  private Decision decide(long hitsAddend, RequestDescriptor... descriptors) {
    return engine.shouldRateLimit(new LimitRequest("test", List.of(descriptors), hitsAddend))
        .toCompletableFuture().join();
  }

  private static RequestDescriptor withHits(long hits, DescriptorEntry... entries) {
    return new RequestDescriptor(List.of(entries), Optional.empty(), OptionalLong.of(hits));
  }

  /**
   * A warm-up rehearsal matches the real rule and answers as a call would, but on a bucket of its
   * own: the real budget is untouched, and only the rehearsal listener hears it counted.
   */
  @Test
  void aRehearsalMatchesTheRealRuleOnABucketOfItsOwnAndIsHeardApart() {
    List<String> heard = new java.util.ArrayList<>();
    DecisionListener real = new DecisionListener() {
      @Override
      public void onDecision(LimitRequest request, Decision decision, long elapsedNanos) {
        heard.add("real decision");
      }

      @Override
      public void onRehearsal(LimitRequest request, Decision decision) {
        heard.add("real prepares " + decision.statuses().get(0).rule().orElseThrow().fullKey());
      }
    };
    DecisionListener rehearsals = new DecisionListener() {
      @Override
      public void onDecision(LimitRequest request, Decision decision, long elapsedNanos) {
        heard.add("rehearsal decision");
      }
    };
    List<BucketBatch> batches = new java.util.ArrayList<>();
    BucketStore recording = new BucketStore() {
      @Override
      public java.util.concurrent.CompletionStage<BatchOutcome> consume(BucketBatch batch) {
        batches.add(batch);
        return store.consume(batch);
      }

      @Override
      public String describe() {
        return "recording";
      }
    };
    RateLimitEngine rehearsing =
        new RateLimitEngine(() -> config, recording, real, rehearsals, System::nanoTime, EngineSettings.DEFAULT);
    LimitRequest request = new LimitRequest("test", List.of(RequestDescriptor.of(GEOCODE)), 0);

    for (int i = 0; i < 5; i++) {
      Decision decision = rehearsing.rehearse(request, BucketBatch.NO_CALLER_DEADLINE, BucketBatch.ANY_THREAD)
          .toCompletableFuture().join();
      assertEquals(Code.OK, decision.overallCode(), "a rehearsal bucket always has tokens");
      assertEquals("test.generic_key_geocode", decision.statuses().get(0).rule().orElseThrow().fullKey());
    }
    BucketBatch rehearsed = batches.get(0);
    assertTrue(WarmupTraffic.isRehearsal(rehearsed));
    assertEquals("test", rehearsed.domain(), "the real domain: its store queue is the one warmed");
    assertTrue(rehearsed.claims().get(0).key().contains("generic_key"), rehearsed.claims().get(0).key());
    assertEquals(List.of("rehearsal decision", "real prepares test.generic_key_geocode"), heard.subList(0, 2));
    assertFalse(heard.contains("real decision"));

    assertEquals(2, decide(0, RequestDescriptor.of(GEOCODE)).statuses().get(0).limitRemaining(),
        "the real budget is whole");
  }

  private static final DescriptorEntry TOKENS = new DescriptorEntry("generic_key", "tokens");

  /** Tokens per minute, post-paid: a bucket of 10 refilled at 10 per minute; a call needs 4 left. */
  private void postPaidTokens() {
    Rule plain = rule("test.generic_key_tokens",
        new LimitPolicy(10, Duration.ofMinutes(1), Optional.of(RateUnit.MINUTE), Algorithm.TOKEN_BUCKET, 10));
    config.with(new Rule(plain.domain(), plain.fullKey(), plain.policy(), false, false, false, false, false,
        Optional.empty(), List.of(), Map.of(), false, Optional.of(new PostPaid(4))), TOKENS);
  }

  @Test
  void aPostPaidBudgetAdmitsWhileItHoldsItsReservationAndRecordsEveryCharge() {
    postPaidTokens();
    Decision check = decide(0, withHits(0, TOKENS));
    assertEquals(Code.OK, check.overallCode());
    assertEquals(10, check.statuses().get(0).limitRemaining(), "the check takes nothing");
    Decision charged = decide(0, withHits(8, TOKENS));
    assertEquals(Code.OK, charged.overallCode());
    assertEquals(2, charged.statuses().get(0).limitRemaining());
    assertEquals(Code.OVER_LIMIT, decide(0, withHits(0, TOKENS)).overallCode(), "2 left, the reservation is 4");
    Decision overdrawn = decide(0, withHits(5, TOKENS));
    assertEquals(Code.OK, overdrawn.overallCode(), "a charge is never denied: the call was made");
    assertEquals(-3, overdrawn.statuses().get(0).limitRemaining(), "recorded as debt");
    Decision blocked = decide(0, withHits(0, TOKENS));
    assertEquals(Code.OVER_LIMIT, blocked.overallCode());
    assertEquals(Duration.ofSeconds(42), blocked.statuses().get(0).durationUntilReset(),
        "3 owed and 4 to hold, at one token per 6 s");
    clock.advance(Duration.ofSeconds(42));
    assertEquals(Code.OK, decide(0, withHits(0, TOKENS)).overallCode());
  }

  @Test
  void aRefundGivesHitsBackButNeverPastTheBucketsCapacity() {
    assertEquals(0, decide(3, RequestDescriptor.of(GEOCODE)).statuses().get(0).limitRemaining());
    Decision refund = decide(0, new RequestDescriptor(List.of(GEOCODE), Optional.empty(), OptionalLong.of(2), true));
    assertEquals(Code.OK, refund.overallCode());
    assertEquals(2, refund.statuses().get(0).limitRemaining(), "is_negative_hits gives 2 back, not charged");
    Decision tooMuch = decide(0, new RequestDescriptor(List.of(GEOCODE), Optional.empty(), OptionalLong.of(50), true));
    assertEquals(3, tooMuch.statuses().get(0).limitRemaining(), "a bucket of 3 holds 3 at most");
    postPaidTokens();
    decide(0, withHits(15, TOKENS));
    Decision repaid = decide(0, new RequestDescriptor(List.of(TOKENS), Optional.empty(), OptionalLong.of(7), true));
    assertEquals(2, repaid.statuses().get(0).limitRemaining(), "a refund repays debt first: -5 + 7");
  }

  @Test
  void aChargeInARequestDeniedByAnotherDescriptorIsStillRecorded() {
    postPaidTokens();
    decide(3, RequestDescriptor.of(GEOCODE));
    Decision denied = decide(0, RequestDescriptor.of(GEOCODE), withHits(6, TOKENS));
    assertEquals(Code.OVER_LIMIT, denied.overallCode());
    assertEquals(Code.OK, denied.statuses().get(1).code());
    assertEquals(4, denied.statuses().get(1).limitRemaining(), "charged though the request was denied");
  }

  @Test
  void aRequestLevelAddendOfZeroMeansOneHit() {
    DescriptorStatus status = decide(0, RequestDescriptor.of(GEOCODE)).statuses().get(0);
    assertEquals(2, status.limitRemaining());
  }

  @Test
  void aRequestLevelAddendConsumesThatMany() {
    assertEquals(0, decide(3, RequestDescriptor.of(GEOCODE)).statuses().get(0).limitRemaining());
    assertEquals(Code.OVER_LIMIT, decide(0, RequestDescriptor.of(GEOCODE)).overallCode());
  }

  @Test
  void aDescriptorAddendOverridesTheRequestOne() {
    assertEquals(1, decide(3, withHits(2, GEOCODE)).statuses().get(0).limitRemaining());
  }

  @Test
  void aDescriptorAddendOfZeroChecksWithoutConsuming() {
    for (int i = 0; i < 5; i++) {
      Decision check = decide(1, withHits(0, GEOCODE));
      assertEquals(Code.OK, check.overallCode());
      assertEquals(3, check.statuses().get(0).limitRemaining());
    }
    decide(3, RequestDescriptor.of(GEOCODE));
    assertEquals(Code.OVER_LIMIT, decide(1, withHits(0, GEOCODE)).overallCode(), "an empty bucket fails the check");
  }

  @Test
  void aLimitOverrideFromTheRequestIsHonoured() {
    RequestDescriptor overridden = new RequestDescriptor(
        List.of(GEOCODE), Optional.of(new LimitOverride(1, RateUnit.HOUR)), OptionalLong.empty());
    Decision first = decide(1, overridden);
    assertEquals(Code.OK, first.overallCode());
    assertEquals(RateUnit.HOUR, first.statuses().get(0).currentLimit().orElseThrow().unit().orElseThrow());
    assertEquals(Code.OVER_LIMIT, decide(1, overridden).overallCode());
    assertEquals(Code.OK, decide(1, RequestDescriptor.of(GEOCODE)).overallCode(), "the configured bucket is separate");
  }

  @Test
  void aDescriptorWithoutARuleOrAnUnknownDomainIsOk() {
    Decision unmatched = decide(1, RequestDescriptor.of(new DescriptorEntry("other", "x")));
    assertEquals(Code.OK, unmatched.overallCode());
    assertTrue(unmatched.statuses().get(0).currentLimit().isEmpty());
    Decision unknownDomain = engine.shouldRateLimit(
        new LimitRequest("nobody", List.of(RequestDescriptor.of(GEOCODE)), 1)).toCompletableFuture().join();
    assertEquals(Code.OK, unknownDomain.overallCode());
    assertEquals(0, store.calls.get(), "nothing to count, so the store is not called");
  }

  @Test
  void anUnlimitedRuleNeverTouchesTheStore() {
    config.with(FakeConfig.unlimited("test.caller_billing"), CALLER);
    for (int i = 0; i < 10; i++) {
      assertEquals(Code.OK, decide(1, RequestDescriptor.of(CALLER)).overallCode());
    }
    assertEquals(0, store.calls.get());
  }

  @Test
  void aShadowModeRuleIsCountedButNeverDenies() {
    config.with(withFlags(rule("test.caller_billing", LimitPolicy.fixedWindow(1, RateUnit.MINUTE)), true, false), CALLER);
    decide(1, RequestDescriptor.of(CALLER));
    Decision shadowed = decide(1, RequestDescriptor.of(CALLER));
    assertEquals(Code.OK, shadowed.overallCode());
    assertEquals(Code.OK, shadowed.statuses().get(0).code(), "status reads OK, as in envoyproxy/ratelimit");
    assertTrue(shadowed.statuses().get(0).shadowOverLimit(), "the would-be denial is visible");
    assertEquals(2, store.calls.get(), "it is counted");
  }

  @Test
  void aQuotaRequestIsDeniedOnlyWhenEveryQuotaDescriptorIsOverAndTheOverOnesSaySo() {
    DescriptorEntry modelA = new DescriptorEntry("model", "a");
    DescriptorEntry modelB = new DescriptorEntry("model", "b");
    config.with(withFlags(rule("test.model_a", LimitPolicy.fixedWindow(1, RateUnit.MINUTE)), false, true), modelA)
        .with(withFlags(rule("test.model_b", LimitPolicy.fixedWindow(2, RateUnit.MINUTE)), false, true), modelB);
    Decision first = decide(1, RequestDescriptor.of(modelA), RequestDescriptor.of(modelB));
    assertEquals(Code.OK, first.overallCode());
    assertEquals(List.of(0L, 1L), remaining(first), "both quotas count the admitted request, as upstream");

    Decision failover = decide(1, RequestDescriptor.of(modelA), RequestDescriptor.of(modelB));
    assertEquals(Code.OK, failover.overallCode(), "model b still has quota");
    assertEquals(Code.OVER_LIMIT, failover.statuses().get(0).code(), "the over quota keeps its OVER_LIMIT");
    assertEquals(Code.OK, failover.statuses().get(1).code());
    assertEquals(0, failover.statuses().get(1).limitRemaining());

    Decision exhausted = decide(1, RequestDescriptor.of(modelA), RequestDescriptor.of(modelB));
    assertEquals(Code.OVER_LIMIT, exhausted.overallCode(), "every quota is over");
    assertEquals(List.of(Code.OVER_LIMIT, Code.OVER_LIMIT), codes(exhausted));
  }

  @Test
  void anOrdinaryDescriptorOverDeniesAQuotaRequestAndItsQuotasSpendNothing() {
    DescriptorEntry model = new DescriptorEntry("model", "a");
    config.with(withFlags(rule("test.model_a", LimitPolicy.fixedWindow(5, RateUnit.MINUTE)), false, true), model)
        .with(rule("test.caller_billing", LimitPolicy.fixedWindow(1, RateUnit.MINUTE)), CALLER);
    decide(1, RequestDescriptor.of(CALLER));
    Decision denied = decide(1, RequestDescriptor.of(model), RequestDescriptor.of(CALLER));
    assertEquals(Code.OVER_LIMIT, denied.overallCode());
    assertEquals(Code.OK, denied.statuses().get(0).code());
    assertEquals(5, denied.statuses().get(0).limitRemaining(), "a denied request spends no quota either");
  }

  @Test
  void quotaModeForAllTurnsEveryDescriptorIntoAQuota() {
    RateLimitEngine quotas = new RateLimitEngine(() -> config, store, DecisionListener.NONE, System::nanoTime,
        EngineSettings.DEFAULT.withQuotaModeForAll(true));
    config.with(rule("test.caller_billing", LimitPolicy.fixedWindow(1, RateUnit.MINUTE)), CALLER);
    LimitRequest both = new LimitRequest("test", List.of(RequestDescriptor.of(GEOCODE), RequestDescriptor.of(CALLER)), 1);
    quotas.shouldRateLimit(both).toCompletableFuture().join();
    Decision soft = quotas.shouldRateLimit(both).toCompletableFuture().join();
    assertEquals(Code.OK, soft.overallCode(), "the geocode quota still has room");
    assertEquals(List.of(Code.OK, Code.OVER_LIMIT), codes(soft));
    quotas.shouldRateLimit(both).toCompletableFuture().join();
    assertEquals(Code.OVER_LIMIT, quotas.shouldRateLimit(both).toCompletableFuture().join().overallCode(),
        "3 per minute for geocode, so the fourth finds both over");
  }

  @Test
  void anUnlimitedRuleReportsTheLargestRemainingEnvoyCanHold() {
    config.with(FakeConfig.unlimited("test.caller_billing"), CALLER);
    DescriptorStatus unlimited = decide(1, RequestDescriptor.of(CALLER)).statuses().get(0);
    assertEquals(4294967295L, unlimited.limitRemaining());
    assertTrue(unlimited.unlimitedRule());
    DescriptorStatus unmatched = decide(1, RequestDescriptor.of(new DescriptorEntry("other", "x"))).statuses().get(0);
    assertEquals(0, unmatched.limitRemaining(), "a descriptor without a rule is not 'unlimited', as upstream");
  }

  private static List<Long> remaining(Decision decision) {
    return decision.statuses().stream().map(DescriptorStatus::limitRemaining).toList();
  }

  private static List<Code> codes(Decision decision) {
    return decision.statuses().stream().map(DescriptorStatus::code).toList();
  }

  @Test
  void aReplacedRuleIsNotApplied() {
    Rule named = withName(rule("test.generic_key_geocode", THREE_PER_MINUTE), "global", List.of());
    Rule replacing = withName(rule("test.caller_billing", LimitPolicy.fixedWindow(10, RateUnit.MINUTE)), "billing",
        List.of("global"));
    config.with(named, GEOCODE).with(replacing, CALLER);
    for (int i = 0; i < 5; i++) {
      Decision both = decide(1, RequestDescriptor.of(GEOCODE), RequestDescriptor.of(CALLER));
      assertEquals(Code.OK, both.overallCode(), "the global limit of 3 is replaced, request " + i);
      assertTrue(both.statuses().get(0).currentLimit().isEmpty());
    }
    assertEquals(2, decide(1, RequestDescriptor.of(GEOCODE)).statuses().get(0).limitRemaining(),
        "alone, the global rule applies, and this is its first hit");
  }

  @Test
  void aDeniedRequestSpendsNothingFromItsOtherDescriptors() {
    config.with(rule("test.caller_billing", LimitPolicy.fixedWindow(1, RateUnit.MINUTE)), CALLER);
    decide(1, RequestDescriptor.of(CALLER));
    Decision denied = decide(1, RequestDescriptor.of(GEOCODE), RequestDescriptor.of(CALLER));
    assertEquals(Code.OVER_LIMIT, denied.overallCode());
    assertEquals(Code.OK, denied.statuses().get(0).code());
    assertEquals(Code.OVER_LIMIT, denied.statuses().get(1).code());
    assertEquals(3, denied.statuses().get(0).limitRemaining(), "the global budget was not burnt");
  }

  @Test
  void everyStatusCarriesLimitRemainingAndReset() {
    Decision ok = decide(1, RequestDescriptor.of(GEOCODE));
    DescriptorStatus status = ok.statuses().get(0);
    assertEquals(THREE_PER_MINUTE, status.currentLimit().orElseThrow());
    assertEquals(2, status.limitRemaining());
    assertEquals(Duration.ofSeconds(30), status.durationUntilReset(), "the window ends at the next minute");

    decide(2, RequestDescriptor.of(GEOCODE));
    clock.advance(Duration.ofSeconds(10));
    DescriptorStatus over = decide(1, RequestDescriptor.of(GEOCODE)).statuses().get(0);
    assertEquals(Code.OVER_LIMIT, over.code());
    assertEquals(0, over.limitRemaining());
    assertEquals(Duration.ofSeconds(20), over.durationUntilReset(), "the wait until it could be admitted");
  }

  @Test
  void aStrictRuleRetryAfterIsTheTimeToTheNextToken() {
    LimitPolicy strict = new LimitPolicy(20, Duration.ofSeconds(10), Optional.empty(), Algorithm.STRICT, 10);
    config.with(rule("test.caller_billing", strict), CALLER);
    DescriptorStatus first = decide(1, RequestDescriptor.of(CALLER)).statuses().get(0);
    assertEquals(Code.OVER_LIMIT, first.code(), "strict buckets start empty");
    assertEquals(Duration.ofSeconds(1), first.durationUntilReset());
  }

  @Test
  void aZeroLimitDeniesWithoutTheStore() {
    config.with(rule("test.caller_billing", LimitPolicy.fixedWindow(0, RateUnit.MINUTE)), CALLER);
    assertEquals(Code.OVER_LIMIT, decide(1, RequestDescriptor.of(CALLER)).overallCode());
    assertEquals(0, store.calls.get());
  }

  @Test
  void malformedRequestsAreRejectedBeforeTheStore() {
    assertInvalid("domain must not be empty", new LimitRequest("", List.of(RequestDescriptor.of(GEOCODE)), 1));
    assertInvalid("descriptors must not be empty", new LimitRequest("test", List.of(), 1));
    assertInvalid("descriptors[0].entries must not be empty",
        new LimitRequest("test", List.of(new RequestDescriptor(List.of(), Optional.empty(), OptionalLong.empty())), 1));
    assertInvalid("descriptors[0].entries[0].key must not be empty",
        new LimitRequest("test", List.of(RequestDescriptor.of(new DescriptorEntry("", "v"))), 1));
    assertInvalid("too many descriptors: 65 (at most 64)",
        new LimitRequest("test", java.util.Collections.nCopies(65, RequestDescriptor.of(GEOCODE)), 1));
    assertInvalid("descriptors[0].entries[0].value is 1025 characters long (at most 1024)",
        new LimitRequest("test", List.of(RequestDescriptor.of(new DescriptorEntry("k", "v".repeat(1025)))), 1));
    assertEquals(0, store.calls.get());
  }

  private void assertInvalid(String message, LimitRequest request) {
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> engine.shouldRateLimit(request));
    assertEquals(message, e.getMessage());
  }

  private static Rule withFlags(Rule rule, boolean shadow, boolean quota) {
    return new Rule(rule.domain(), rule.fullKey(), rule.policy(), shadow, quota, false, false, false,
        rule.name(), rule.replaces(), Map.of());
  }

  private static Rule withName(Rule rule, String name, List<String> replaces) {
    return new Rule(rule.domain(), rule.fullKey(), rule.policy(), false, false, false, false, false,
        Optional.of(name), replaces, Map.of());
  }

  @Test
  void checksDoNotCountAsDenialsForShadowModeRules() {
    assertFalse(decide(1, RequestDescriptor.of(GEOCODE)).statuses().get(0).shadowOverLimit());
  }

  @Test
  void globalShadowModeDeniesNothingYetShowsEveryWouldBeDenial() {
    RateLimitEngine shadowMode = new RateLimitEngine(() -> config, store, DecisionListener.NONE, System::nanoTime,
        EngineSettings.DEFAULT.withShadowModeForAll(true));
    RequestDescriptor overridden = new RequestDescriptor(
        List.of(CALLER), Optional.of(new LimitOverride(1, RateUnit.HOUR)), OptionalLong.empty());
    LimitRequest request = new LimitRequest("test", List.of(RequestDescriptor.of(GEOCODE), overridden), 3);
    shadowMode.shouldRateLimit(request).toCompletableFuture().join();
    Decision shadowed = shadowMode.shouldRateLimit(request).toCompletableFuture().join();
    assertEquals(Code.OK, shadowed.overallCode());
    for (DescriptorStatus status : shadowed.statuses()) {
      assertEquals(Code.OK, status.code());
      assertTrue(status.shadowOverLimit(), "a configured rule and an override from the request alike");
    }
  }
}
