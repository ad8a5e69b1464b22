package io.egressratelimit.testing.rlqs;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction.QuotaAssignmentAction;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports.BucketQuotaUsage;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy;
import io.envoyproxy.envoy.type.v3.TokenBucket;

/**
 * One bucket of one Envoy, in the states Envoy's {@code CachedBucket} goes through: no assignment,
 * assigned until its time to live ends, then the expired fallback until its timeout, then no
 * assignment again. It counts what it allowed and denied for the next report. Not thread-safe: the
 * {@link QuotaFilter} holding it serializes access.
 *
 * <p>Envoy runs the expiry on timers; here a state ends when time passes its deadline, each deadline
 * counted from the one before, as the timers would fire.
 */
final class QuotaBucket {
  private static final long NEVER = Long.MAX_VALUE;

  private final BucketId id;
  private final BucketBehaviour behaviour;
  private BucketPhase phase = BucketPhase.NO_ASSIGNMENT;
  private RateLimitStrategy strategy;
  private EnvoyTokenBucket tokens;
  private long phaseEndsNanos = NEVER;
  private long allowed;
  private long denied;
  private long lastReportNanos;

  QuotaBucket(BucketId id, BucketBehaviour behaviour, long nowNanos) {
    this.id = id;
    this.behaviour = behaviour;
    this.strategy = behaviour.noAssignmentStrategy();
    this.lastReportNanos = nowNanos;
  }

  BucketId id() {
    return id;
  }

  BucketPhase phase(long nowNanos) {
    advance(nowNanos);
    return phase;
  }

  /** Decides one request and counts it. */
  boolean admit(long nowNanos) {
    advance(nowNanos);
    boolean allow = switch (strategy.getStrategyCase()) {
      case BLANKET_RULE -> strategy.getBlanketRule() != RateLimitStrategy.BlanketRule.DENY_ALL;
      case TOKEN_BUCKET -> tokens.tryConsume(nowNanos);
      // Envoy logs requests_per_time_unit as unsupported and lets the request through
      case REQUESTS_PER_TIME_UNIT, STRATEGY_NOT_SET -> true;
    };
    if (allow) {
      allowed++;
    } else {
      denied++;
    }
    return allow;
  }

  /**
   * Applies an assignment. A strategy Envoy skips (requests_per_time_unit, none) leaves the bucket as
   * it was, its old assignment and that one's time to live included.
   *
   * @return whether the assignment was applied
   */
  boolean assign(QuotaAssignmentAction action, long nowNanos) {
    advance(nowNanos);
    RateLimitStrategy next = action.getRateLimitStrategy();
    switch (next.getStrategyCase()) {
      case BLANKET_RULE, TOKEN_BUCKET -> {
        enter(BucketPhase.ASSIGNED, next, nowNanos, nowNanos + wholeSecondsNanos(action.getAssignmentTimeToLive()));
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /** The usage since the last report, which resets the counters. */
  BucketQuotaUsage report(long nowNanos) {
    advance(nowNanos);
    long elapsedSeconds = (nowNanos - lastReportNanos) / 1_000_000_000L;
    BucketQuotaUsage usage =
        BucketQuotaUsage.newBuilder()
            .setBucketId(id)
            .setTimeElapsed(Duration.newBuilder().setSeconds(elapsedSeconds))
            .setNumRequestsAllowed(allowed)
            .setNumRequestsDenied(denied)
            .build();
    allowed = 0;
    denied = 0;
    lastReportNanos = nowNanos;
    return usage;
  }

  private void advance(long nowNanos) {
    while (nowNanos >= phaseEndsNanos) {
      long endedAt = phaseEndsNanos;
      if (phase == BucketPhase.ASSIGNED && behaviour.expiredFallback().isPresent()) {
        enter(BucketPhase.EXPIRED_FALLBACK, behaviour.expiredFallback().get(), endedAt,
            endedAt + behaviour.expiredFallbackNanos());
      } else {
        phase = BucketPhase.NO_ASSIGNMENT;
        strategy = behaviour.noAssignmentStrategy();
        tokens = null;
        phaseEndsNanos = NEVER;
      }
    }
  }

  /**
   * Envoy keeps the token bucket, tokens and all, when the new one has the same max_tokens,
   * tokens_per_fill and fill_interval nanos (it does not compare the seconds). Any other token bucket
   * is built anew: in proportion to the token bucket it replaces, or full when there was none.
   */
  private void enter(BucketPhase next, RateLimitStrategy nextStrategy, long atNanos, long endsNanos) {
    if (nextStrategy.hasTokenBucket()) {
      boolean hadTokenBucket = tokens != null && strategy.hasTokenBucket();
      if (!hadTokenBucket) {
        tokens = EnvoyTokenBucket.full(nextStrategy.getTokenBucket(), atNanos);
      } else if (!sameAsEnvoySees(strategy.getTokenBucket(), nextStrategy.getTokenBucket())) {
        tokens = EnvoyTokenBucket.replacing(tokens, nextStrategy.getTokenBucket(), atNanos);
      }
    } else {
      tokens = null;
    }
    phase = next;
    strategy = nextStrategy;
    phaseEndsNanos = endsNanos;
  }

  private static boolean sameAsEnvoySees(TokenBucket a, TokenBucket b) {
    return a.getMaxTokens() == b.getMaxTokens()
        && a.getTokensPerFill().getValue() == b.getTokensPerFill().getValue()
        && a.getFillInterval().getNanos() == b.getFillInterval().getNanos();
  }

  private static long wholeSecondsNanos(Duration d) {
    return java.time.Duration.ofSeconds(Math.max(0, d.getSeconds())).toNanos();
  }
}
