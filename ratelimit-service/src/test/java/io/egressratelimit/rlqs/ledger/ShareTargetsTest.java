package io.egressratelimit.rlqs.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ShareTargetsTest {
  private static final QuotaBudget BUDGET = new QuotaBudget(20, 160, 10, true);

  @Test
  void sharesFollowDemandAndNeverAddUpToMoreThanIsSharedOut() {
    Map<String, Share> shares = ShareTargets.of(BUDGET, Map.of("a", 30.0, "b", 10.0, "c", 0.1));
    assertEquals(new Share(7, 112), shares.get("a"));
    assertEquals(new Share(2, 37), shares.get("b"));
    assertEquals(new Share(1, 1), shares.get("c"), "an idle subscriber keeps one token");
    assertTrue(shares.values().stream().mapToLong(Share::tokensPerPeriod).sum() <= 150);
    assertTrue(shares.values().stream().mapToLong(Share::maxTokens).sum() <= 10);
  }

  @Test
  void withMoreSubscribersThanBurstTheLightestGetNothing() {
    QuotaBudget small = new QuotaBudget(4, 160, 10, true);
    Map<String, Share> shares = ShareTargets.of(small, Map.of("a", 4.0, "b", 3.0, "c", 2.0, "d", 1.0));
    assertEquals(Share.NONE, shares.get("c"));
    assertEquals(Share.NONE, shares.get("d"));
    assertEquals(2, shares.values().stream().filter(s -> !s.none()).count());
  }
}
