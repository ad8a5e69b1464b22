package io.egressratelimit.testing.rlqs;

import static io.egressratelimit.testing.rlqs.QuotaActions.GEOCODE;
import static io.egressratelimit.testing.rlqs.QuotaActions.abandon;
import static io.egressratelimit.testing.rlqs.QuotaActions.assignment;
import static io.egressratelimit.testing.rlqs.QuotaActions.blanket;
import static io.egressratelimit.testing.rlqs.QuotaActions.response;
import static io.egressratelimit.testing.rlqs.QuotaActions.tokenBucket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction.QuotaAssignmentAction;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports.BucketQuotaUsage;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy.BlanketRule;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The filter's bucket life on a fake clock: time is whatever {@link #now} says. */
class QuotaFilterTest {
  private static final long SECOND = 1_000_000_000L;
  private static final BucketBehaviour DENY_THEN_DENY =
      new BucketBehaviour(BlanketRule.DENY_ALL, Optional.of(blanket(BlanketRule.DENY_ALL)), Duration.ofSeconds(5));
  private static final TokenBucket TWO_PER_SECOND = tokenBucket(2, 2, 1, 0);

  private long now = 7 * SECOND;

  @Test
  void firstRequestCreatesTheBucketAndReportsItAtOnce() {
    QuotaFilter filter = new QuotaFilter("geocode", DENY_THEN_DENY);
    QuotaFilter.Admission first = filter.admit(GEOCODE, now);
    assertFalse(first.allowed(), "deny-all before the first assignment denies the very first request");
    RateLimitQuotaUsageReports report = first.firstReport().orElseThrow();
    assertEquals("geocode", report.getDomain());
    BucketQuotaUsage usage = report.getBucketQuotaUsages(0);
    assertEquals(GEOCODE, usage.getBucketId());
    assertEquals(0, usage.getNumRequestsAllowed());
    assertEquals(1, usage.getNumRequestsDenied());
    assertEquals(0, usage.getTimeElapsed().getSeconds(), "the bucket was created just now");

    assertTrue(filter.admit(GEOCODE, now).firstReport().isEmpty(), "only a new bucket reports at once");
  }

  @Test
  void allowAllBeforeTheFirstAssignmentLetsEverythingThrough() {
    QuotaFilter filter = new QuotaFilter("geocode", new BucketBehaviour(BlanketRule.ALLOW_ALL, Optional.empty(), Duration.ZERO));
    for (int i = 0; i < 100; i++) {
      assertTrue(filter.admit(GEOCODE, now).allowed());
    }
  }

  @Test
  void aTokenBucketAssignmentStartsFullAndRefills() {
    QuotaFilter filter = assigned(TWO_PER_SECOND, 10);
    assertTrue(filter.admit(GEOCODE, now).allowed());
    assertTrue(filter.admit(GEOCODE, now).allowed());
    assertFalse(filter.admit(GEOCODE, now).allowed());
    now += SECOND / 2;
    assertTrue(filter.admit(GEOCODE, now).allowed(), "one token back after 500ms at 2/s");
    assertFalse(filter.admit(GEOCODE, now).allowed());
  }

  @Test
  void theReportCountsSinceTheLastOneInWholeSeconds() {
    QuotaFilter filter = assigned(TWO_PER_SECOND, 10);
    filter.reportAll(now);
    filter.admit(GEOCODE, now);
    filter.admit(GEOCODE, now);
    filter.admit(GEOCODE, now);
    now += 1_900_000_000L;
    BucketQuotaUsage usage = filter.reportAll(now).orElseThrow().getBucketQuotaUsages(0);
    assertEquals(2, usage.getNumRequestsAllowed());
    assertEquals(1, usage.getNumRequestsDenied());
    assertEquals(1, usage.getTimeElapsed().getSeconds(), "1.9s goes out as 1s, as Envoy truncates it");
    BucketQuotaUsage next = filter.reportAll(now).orElseThrow().getBucketQuotaUsages(0);
    assertEquals(0, next.getNumRequestsAllowed() + next.getNumRequestsDenied(), "a report resets the counts");
  }

  @Test
  void anExpiredAssignmentFallsBackThenReturnsToNoAssignment() {
    QuotaFilter filter = new QuotaFilter("geocode",
        new BucketBehaviour(BlanketRule.DENY_ALL, Optional.of(blanket(BlanketRule.ALLOW_ALL)), Duration.ofSeconds(3)));
    filter.admit(GEOCODE, now);
    filter.onResponse(response(GEOCODE, assignment(TWO_PER_SECOND, 2, 0)), now);
    long assignedAt = now;

    now = assignedAt + 2 * SECOND - 1;
    assertEquals(BucketPhase.ASSIGNED, filter.phase(GEOCODE, now).orElseThrow());
    now = assignedAt + 2 * SECOND;
    assertEquals(BucketPhase.EXPIRED_FALLBACK, filter.phase(GEOCODE, now).orElseThrow());
    for (int i = 0; i < 10; i++) {
      assertTrue(filter.admit(GEOCODE, now).allowed(), "the allow-all fallback, not the spent token bucket");
    }
    now = assignedAt + 5 * SECOND;
    assertEquals(BucketPhase.NO_ASSIGNMENT, filter.phase(GEOCODE, now).orElseThrow());
    assertFalse(filter.admit(GEOCODE, now).allowed(), "deny-all again after the fallback's timeout");
  }

  @Test
  void withoutAnExpiredBehaviourTheBucketGoesStraightBackToNoAssignment() {
    QuotaFilter filter = new QuotaFilter("geocode", new BucketBehaviour(BlanketRule.DENY_ALL, Optional.empty(), Duration.ZERO));
    filter.admit(GEOCODE, now);
    filter.onResponse(response(GEOCODE, assignment(TWO_PER_SECOND, 1, 0)), now);
    now += SECOND;
    assertEquals(BucketPhase.NO_ASSIGNMENT, filter.phase(GEOCODE, now).orElseThrow());
    assertFalse(filter.admit(GEOCODE, now).allowed());
  }

  @Test
  void theTimeToLiveCountsWholeSecondsOnly() {
    QuotaFilter filter = new QuotaFilter("geocode", DENY_THEN_DENY);
    filter.admit(GEOCODE, now);
    filter.onResponse(response(GEOCODE, assignment(TWO_PER_SECOND, 1, 900_000_000)), now);
    now += SECOND;
    assertEquals(BucketPhase.EXPIRED_FALLBACK, filter.phase(GEOCODE, now).orElseThrow(), "1.9s lives 1s");

    QuotaFilter zero = new QuotaFilter("geocode", DENY_THEN_DENY);
    zero.admit(GEOCODE, now);
    zero.onResponse(response(GEOCODE, assignment(TWO_PER_SECOND, 0, 500_000_000)), now);
    assertFalse(zero.admit(GEOCODE, now).allowed(), "a time to live under a second expires at once");
  }

  @Test
  void anUnsetFallbackTimeoutEndsTheFallbackAtOnce() {
    QuotaFilter filter = new QuotaFilter("geocode",
        new BucketBehaviour(BlanketRule.DENY_ALL, Optional.of(blanket(BlanketRule.ALLOW_ALL)), Duration.ZERO));
    filter.admit(GEOCODE, now);
    filter.onResponse(response(GEOCODE, assignment(TWO_PER_SECOND, 1, 0)), now);
    now += SECOND;
    assertEquals(BucketPhase.NO_ASSIGNMENT, filter.phase(GEOCODE, now).orElseThrow());
  }

  @Test
  void theSameTokenBucketAgainKeepsItsTokens() {
    QuotaFilter filter = assigned(TWO_PER_SECOND, 10);
    drain(filter);
    filter.onResponse(response(GEOCODE, assignment(TWO_PER_SECOND, 10, 0)), now);
    assertFalse(filter.admit(GEOCODE, now).allowed(), "carried over, still empty");
    assertEquals(BucketPhase.ASSIGNED, filter.phase(GEOCODE, now + 9 * SECOND).orElseThrow(), "the new time to live counts");
  }

  @Test
  void aChangedTokenBucketStartsAsFullInProportionAsTheOneItReplaces() {
    QuotaFilter filter = assigned(TWO_PER_SECOND, 10);
    assertTrue(filter.admit(GEOCODE, now).allowed());
    filter.onResponse(response(GEOCODE, assignment(tokenBucket(10, 10, 1, 0), 10, 0)), now);
    assertEquals(5, allowedNow(filter), "1 of 2 left, so 5 of 10");

    drain(filter);
    filter.onResponse(response(GEOCODE, assignment(tokenBucket(3, 3, 60, 0), 10, 0)), now);
    assertEquals(0, allowedNow(filter), "an empty bucket's replacement starts empty");
  }

  @Test
  void aTokenBucketWhereNoneWasBeforeStartsFull() {
    QuotaFilter filter = assigned(TWO_PER_SECOND, 10);
    drain(filter);
    filter.onResponse(response(GEOCODE, assignment(blanket(BlanketRule.DENY_ALL), 10, 0)), now);
    filter.onResponse(response(GEOCODE, assignment(tokenBucket(3, 3, 60, 0), 10, 0)), now);
    assertEquals(3, allowedNow(filter), "after a blanket rule there is no bucket to take a ratio from");

    drain(filter);
    now += 10 * SECOND;
    assertEquals(BucketPhase.EXPIRED_FALLBACK, filter.phase(GEOCODE, now).orElseThrow());
    filter.onResponse(response(GEOCODE, assignment(tokenBucket(3, 3, 60, 0), 10, 0)), now);
    assertEquals(3, allowedNow(filter), "nor after the assignment expired");
  }

  @Test
  void aFillIntervalChangeInSecondsAloneIsNotSeenAsAChange() {
    QuotaFilter filter = assigned(TWO_PER_SECOND, 10);
    drain(filter);
    filter.onResponse(response(GEOCODE, assignment(tokenBucket(2, 2, 4, 0), 10, 0)), now);
    now += SECOND / 2;
    assertEquals(1, allowedNow(filter), "still the old bucket at the old 2/s, not a new full one at 0.5/s");
  }

  @Test
  void anAbandonedBucketStartsOverOnItsNextRequest() {
    QuotaFilter filter = assigned(TWO_PER_SECOND, 10);
    filter.onResponse(abandon(GEOCODE), now);
    assertTrue(filter.phase(GEOCODE, now).isEmpty());
    assertTrue(filter.reportAll(now).isEmpty(), "an abandoned bucket is no longer reported");
    QuotaFilter.Admission again = filter.admit(GEOCODE, now);
    assertFalse(again.allowed(), "no assignment again");
    assertTrue(again.firstReport().isPresent(), "and subscribed again at once");
  }

  @Test
  void actionsForUnknownBucketsAndUnsupportedStrategiesAreIgnored() {
    QuotaFilter filter = assigned(TWO_PER_SECOND, 10);
    BucketId other = BucketId.newBuilder().putBucket("name", "other").build();
    assertTrue(filter.onResponse(response(other, assignment(TWO_PER_SECOND, 10, 0)), now).isEmpty());
    assertTrue(filter.phase(other, now).isEmpty());

    QuotaAssignmentAction perUnit = QuotaAssignmentAction.newBuilder()
        .setRateLimitStrategy(RateLimitStrategy.newBuilder().setRequestsPerTimeUnit(
            RateLimitStrategy.RequestsPerTimeUnit.newBuilder().setRequestsPerTimeUnit(1000)))
        .setAssignmentTimeToLive(com.google.protobuf.Duration.newBuilder().setSeconds(100))
        .build();
    assertTrue(filter.onResponse(response(GEOCODE, perUnit), now).isEmpty());
    assertEquals(2, allowedNow(filter), "the token bucket still rules");
    now += 10 * SECOND;
    assertEquals(BucketPhase.EXPIRED_FALLBACK, filter.phase(GEOCODE, now).orElseThrow(),
        "and expires on its own time to live: the skipped action's is never armed");
  }

  @Test
  void aDenyAllAssignmentDeniesUntilItExpires() {
    QuotaFilter filter = new QuotaFilter("geocode", new BucketBehaviour(BlanketRule.ALLOW_ALL, Optional.empty(), Duration.ZERO));
    filter.admit(GEOCODE, now);
    filter.onResponse(response(GEOCODE, QuotaAssignmentAction.newBuilder()
        .setRateLimitStrategy(blanket(BlanketRule.DENY_ALL))
        .setAssignmentTimeToLive(com.google.protobuf.Duration.newBuilder().setSeconds(2)).build()), now);
    assertFalse(filter.admit(GEOCODE, now).allowed());
    now += 2 * SECOND;
    assertTrue(filter.admit(GEOCODE, now).allowed(), "allow-all, the no-assignment behaviour, after it expires");
  }

  private QuotaFilter assigned(TokenBucket bucket, long ttlSeconds) {
    QuotaFilter filter = new QuotaFilter("geocode", DENY_THEN_DENY);
    filter.admit(GEOCODE, now);
    assertEquals(1, filter.onResponse(response(GEOCODE, assignment(bucket, ttlSeconds, 0)), now).size());
    return filter;
  }

  private void drain(QuotaFilter filter) {
    while (filter.admit(GEOCODE, now).allowed()) {
      // spend every token there is now
    }
  }

  private int allowedNow(QuotaFilter filter) {
    int allowed = 0;
    while (filter.admit(GEOCODE, now).allowed()) {
      allowed++;
    }
    return allowed;
  }
}
