package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketLevel;
import io.egressratelimit.limiter.store.BucketSpec;
import io.egressratelimit.limiter.store.BucketState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a request's claims are split by slot, and how the parts' outcomes make the request's. */
class SlotPlanTest {
  private static final BucketSpec TEN = new BucketSpec(10, 10, Duration.ofMinutes(1),
      BucketSpec.RefillStyle.INTERVAL_ALIGNED, 10);
  private static final KeyLayout SPREAD = new KeyLayout("p:", true, false);
  private static final KeyLayout BY_DOMAIN = new KeyLayout("p:", false, false);
  private static final KeyLayout WITH_LEGACY = new KeyLayout("p:", true, true);

  /** Slots by the claim's name, the last character of the key: a0, a1 share slot 'a', b0 is apart. */
  private static int slotOf(String redisKey) {
    return redisKey.charAt(redisKey.length() - 2);
  }

  private static BucketClaim hit(String name) {
    return new BucketClaim(name, TEN, 1, 1, true);
  }

  private static BucketState passed(long remaining) {
    return new BucketState(true, remaining, Duration.ZERO, Duration.ofSeconds(30));
  }

  private static BucketState failed() {
    return new BucketState(false, 0, Duration.ofSeconds(30), Duration.ofSeconds(30));
  }

  @Test
  void claimsInOneSlotAreOnePartInTheRequestsOrderKeyedAsRedisKeysThem() {
    SlotPlan plan = SlotPlan.of(new BucketBatch(List.of(hit("a0"), hit("a1")), "d"), SPREAD, SlotPlanTest::slotOf);
    assertTrue(plan.singlePart());
    assertEquals(List.of("p:{1be678b5}a0", "p:{6ce14823}a1"),
        plan.parts().get(0).batch().claims().stream().map(BucketClaim::key).toList());
    BatchOutcome outcome = new BatchOutcome(true, List.of(passed(9), passed(9)));
    assertEquals(outcome, plan.combine(List.of(outcome)));
  }

  @Test
  void onOneNodeKeysKeepTheirDomainTag() {
    SlotPlan plan = SlotPlan.of(new BucketBatch(List.of(hit("a0")), "geocode"), BY_DOMAIN, key -> 0);
    assertEquals("p:{geocode}a0", plan.parts().get(0).batch().claims().get(0).key());
  }

  @Test
  void claimsInSeveralSlotsArePartsWhoseOutcomesMeetInTheRequestsOrder() {
    SlotPlan plan = SlotPlan.of(new BucketBatch(List.of(hit("a0"), hit("b0"), hit("a1")), "d", 5_000_000),
        SPREAD, SlotPlanTest::slotOf);
    assertEquals(2, plan.parts().size());
    assertEquals(List.of(0, 2), List.of(plan.parts().get(0).origins()[0], plan.parts().get(0).origins()[1]));
    assertEquals(1, plan.parts().get(1).origins()[0]);
    assertEquals(5_000_000, plan.parts().get(1).batch().callerWaitNanos(), "each part keeps the request's deadline");
    BatchOutcome combined = plan.combine(List.of(new BatchOutcome(true, List.of(passed(9), passed(7))),
        new BatchOutcome(true, List.of(passed(4)))));
    assertEquals(new BatchOutcome(true, List.of(passed(9), passed(4), passed(7))), combined);
  }

  @Test
  void whenOnePartDeniesTheOthersGiveBackWhatTheyTookAndReportItBack() {
    SlotPlan plan = SlotPlan.of(new BucketBatch(List.of(hit("a0"), hit("b0")), "d"), SPREAD, SlotPlanTest::slotOf);
    List<BatchOutcome> outcomes = List.of(new BatchOutcome(true, List.of(passed(9))),
        new BatchOutcome(false, List.of(failed())));
    BatchOutcome combined = plan.combine(outcomes);
    assertFalse(combined.admitted());
    assertEquals(List.of(passed(10), failed()), combined.states(), "a0 reads as if nothing was taken");
    List<SlotPlan.Taken> taken = plan.taken(outcomes);
    assertEquals(1, taken.size());
    assertEquals(0, taken.get(0).part());
    assertEquals(List.of("p:{1be678b5}a0"), taken.get(0).claims().stream().map(BucketClaim::key).toList());
  }

  @Test
  void aFailedPartAndClaimsThatTookNothingHaveNothingToGiveBack() {
    BucketClaim check = new BucketClaim("a1", TEN, 1, 0, true);
    BucketClaim shadow = new BucketClaim("a2", TEN, 1, 1, false);
    SlotPlan plan = SlotPlan.of(new BucketBatch(List.of(hit("a0"), check, shadow, hit("b0")), "d"), SPREAD,
        SlotPlanTest::slotOf);
    List<BatchOutcome> outcomes = java.util.Arrays.asList(
        new BatchOutcome(true, List.of(passed(9), passed(10), failed())), null);
    List<SlotPlan.Taken> taken = plan.taken(outcomes);
    assertEquals(List.of("p:{1be678b5}a0"), taken.get(0).claims().stream().map(BucketClaim::key).toList(),
        "the check took nothing, nor did the shadow claim that failed; the failed part is not given back");
  }

  @Test
  void aPartOnlyReadAsksForNothingAndAPartNotReadReportsItselfDenied() {
    SlotPlan.Part part = SlotPlan.of(new BucketBatch(List.of(hit("a0"), hit("b0")), "d"), SPREAD, SlotPlanTest::slotOf)
        .parts().get(1);
    assertEquals(List.of(0L), part.checkOnly().batch().claims().stream().map(BucketClaim::consume).toList());
    assertEquals(List.of(1L), part.checkOnly().batch().claims().stream().map(BucketClaim::required).toList());
    assertFalse(part.unread().admitted());
    assertEquals(1, part.unread().states().size());
  }

  @Test
  void withLegacyKeysEachClaimAlsoSpendsItsDomainTaggedKeyFirstAndReadsAsTheEmptierOfTheTwo() {
    SlotPlan plan = SlotPlan.of(new BucketBatch(List.of(hit("a0")), "d"), WITH_LEGACY, SlotPlanTest::slotOf);
    assertEquals(List.of("p:{d}a0", "p:{1be678b5}a0"),
        plan.parts().get(0).batch().claims().stream().map(BucketClaim::key).toList());
    BucketState legacy = new BucketState(true, 3, Duration.ZERO, Duration.ofSeconds(40));
    BatchOutcome combined = plan.combine(List.of(new BatchOutcome(true, List.of(legacy, passed(9)))));
    assertEquals(new BatchOutcome(true, List.of(new BucketState(true, 3, Duration.ZERO, Duration.ofSeconds(40)))),
        combined);
    BucketState empty = new BucketState(false, 0, Duration.ofSeconds(20), Duration.ofSeconds(40));
    assertEquals(List.of(empty), plan.combine(List.of(new BatchOutcome(false, List.of(empty, passed(9))))).states());
    assertEquals(List.of(new BucketLevel(3, Duration.ofSeconds(40))), plan.combineLevels(List.of(List.of(
        new BucketLevel(3, Duration.ofSeconds(40)), new BucketLevel(9, Duration.ofSeconds(30))))));
  }

  @Test
  void levelsOfSeveralSlotsMeetInTheRequestsOrder() {
    SlotPlan plan = SlotPlan.of(new BucketBatch(List.of(hit("b0"), hit("a0")), "d"), SPREAD, SlotPlanTest::slotOf);
    BucketLevel b = new BucketLevel(3, Duration.ofSeconds(1));
    BucketLevel a = new BucketLevel(7, Duration.ofSeconds(2));
    assertEquals(List.of(b, a), plan.combineLevels(List.of(List.of(b), List.of(a))));
  }
}
