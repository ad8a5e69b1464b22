package io.egressratelimit.limiter;

import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.domain.Code;
import io.egressratelimit.domain.Decision;
import io.egressratelimit.domain.DescriptorStatus;
import io.egressratelimit.domain.LimitRequest;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketState;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.Completions;
import io.egressratelimit.limiter.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The one place a rate limit decision is made: request → rules → bucket claims → one store call →
 * per-descriptor statuses and an overall code. It does no I/O of its own.
 */
public final class RateLimitEngine {
  private final Supplier<RateLimitConfig> config;
  private final BucketStore store;
  private final DecisionListener listener;
  private final DecisionListener rehearsalListener;
  private final LongSupplier nanoTicker;
  private final RequestValidator validator;
  private final FailurePolicies failurePolicies;
  private final DescriptorPlanner planner;

  public RateLimitEngine(Supplier<RateLimitConfig> config, BucketStore store, DecisionListener listener,
      LongSupplier nanoTicker, EngineSettings settings) {
    this(config, store, listener, DecisionListener.NONE, nanoTicker, settings);
  }

  /**
   * @param rehearsalListener hears the warm-up's rehearsals (see {@link #rehearse}) in place of
   *     {@code listener}, which only gets {@link DecisionListener#onRehearsal} for them
   */
  public RateLimitEngine(Supplier<RateLimitConfig> config, BucketStore store, DecisionListener listener,
      DecisionListener rehearsalListener, LongSupplier nanoTicker, EngineSettings settings) {
    this.config = config;
    this.store = store;
    this.listener = listener;
    this.rehearsalListener = rehearsalListener;
    this.nanoTicker = nanoTicker;
    this.validator = new RequestValidator(settings.requestLimits());
    this.failurePolicies = settings.failurePolicies();
    this.planner = new DescriptorPlanner(settings.shadowModeForAll(), settings.quotaModeForAll());
  }

  /**
   * Decides one request.
   *
   * @throws InvalidRequestException synchronously, before anything reaches the store
   * @return a stage that fails with {@link StoreUnavailableException} when the store cannot answer
   *     and the domain's failure policy is {@link FailurePolicy#UNAVAILABLE}
   */
  public CompletionStage<Decision> shouldRateLimit(LimitRequest request) {
    return shouldRateLimit(request, BucketBatch.NO_CALLER_DEADLINE);
  }

  /**
   * Decides one request whose caller waits {@code callerWaitNanos} for the answer; the store
   * fits its wait into that (see {@link BucketBatch#callerWaitNanos}).
   *
   * @param callerWaitNanos what the caller's deadline has left, or {@link BucketBatch#NO_CALLER_DEADLINE}
   */
  public CompletionStage<Decision> shouldRateLimit(LimitRequest request, long callerWaitNanos) {
    return shouldRateLimit(request, callerWaitNanos, BucketBatch.ANY_THREAD);
  }

  /**
   * Decides one request whose answer is wanted on {@code callerThread} (see
   * {@link BucketBatch#callerThread}): the stage completes there, or on the calling thread when
   * the store answers at once.
   */
  public CompletionStage<Decision> shouldRateLimit(LimitRequest request, long callerWaitNanos, Executor callerThread) {
    return decide(request, callerWaitNanos, callerThread, false);
  }

  /**
   * Decides one request as {@link #shouldRateLimit(LimitRequest, long, Executor)} does, rule
   * matching and store round trip included, but on rehearsal buckets of its own (see
   * {@link WarmupTraffic}), heard by the rehearsal listener: a replica's warm-up, which must walk
   * the real path, spend no real budget and show in no metric.
   */
  public CompletionStage<Decision> rehearse(LimitRequest request, long callerWaitNanos, Executor callerThread) {
    return decide(request, callerWaitNanos, callerThread, true);
  }

  private CompletionStage<Decision> decide(LimitRequest request, long callerWaitNanos, Executor callerThread,
      boolean rehearsal) {
    DecisionListener heard = rehearsal ? rehearsalListener : listener;
    long started = nanoTicker.getAsLong();
    validator.validate(request);
    List<DescriptorPlan> plans = planner.plan(request, config.get());
    List<DescriptorPlan> claimed = plans.stream().filter(plan -> plan.claim().isPresent()).toList();

    CompletionStage<Decision> decision;
    if (claimed.isEmpty()) {
      decision = CompletableFuture.completedFuture(combine(plans, new BatchOutcome(true, List.of())));
    } else {
      decision = new QuotaModeAttempts(plans, claimed, started, callerWaitNanos, callerThread, rehearsal)
          .decide(request.domain())
          .handle((done, failure) -> {
        if (failure == null) {
          return done;
        }
        heard.onStoreFailure(request, failure);
        return onStoreFailure(request.domain(), plans, failure);
      });
    }
    return decision.whenComplete((done, failure) -> {
      if (done != null) {
        heard.onDecision(request, done, nanoTicker.getAsLong() - started);
        if (rehearsal) {
          listener.onRehearsal(request, done);
        }
      }
    });
  }

  /**
   * The store calls of one request (quota mode is the per-request kind, envoyproxy/ratelimit's
   * {@code quota_mode}; RLQS is elsewhere). Without quota-mode descriptors that is exactly one batch. With
   * them, the request passes only when every ordinary claim passes and at least one quota claim
   * does; one atomic batch cannot say "at least one", so each attempt enforces one quota claim that
   * may pass (the others consume only if they can) and stops at the first admitted batch or at an
   * ordinary claim that fails. Every attempt is all or nothing, so a denied request spends nothing
   * and the budget stays exact; it takes a second round trip only when the first quota tried is over.
   */
  private final class QuotaModeAttempts {
    private final List<DescriptorPlan> plans;
    /** The plans with a claim, in the order of the batch's claims and the outcome's states. */
    private final List<DescriptorPlan> claimed;
    private final List<Integer> quotaClaims = new ArrayList<>();
    private final boolean deniedAlready;
    private final boolean quotaDecided;
    private final long started;
    private final long callerWaitNanos;
    private final Executor callerThread;
    private final boolean rehearsal;
    private int attempts;

    QuotaModeAttempts(List<DescriptorPlan> plans, List<DescriptorPlan> claimed, long started, long callerWaitNanos,
        Executor callerThread, boolean rehearsal) {
      this.rehearsal = rehearsal;
      this.plans = plans;
      this.claimed = claimed;
      this.started = started;
      this.callerWaitNanos = callerWaitNanos;
      this.callerThread = callerThread;
      boolean quotaPasses = false;
      boolean anyQuota = false;
      for (DescriptorPlan plan : plans) {
        anyQuota |= plan.quota();
        // A quota descriptor without a bucket always passes, so the quota part of the request holds.
        quotaPasses |= plan.quota() && plan.policy().isEmpty();
      }
      for (int c = 0; c < claimed.size(); c++) {
        if (claimed.get(c).quota()) {
          quotaClaims.add(c);
        }
      }
      boolean allQuotaImpossible = anyQuota && !quotaPasses && quotaClaims.isEmpty();
      // An impossible enforced limit, or only impossible quotas, deny the request whatever the buckets
      // hold, so the others are only checked: the denied request must not spend their budget.
      this.deniedAlready = allQuotaImpossible || plans.stream().anyMatch(p -> p.enforced() && p.impossible());
      this.quotaDecided = !anyQuota || quotaPasses || deniedAlready;
    }

    CompletionStage<Decision> decide(String domain) {
      if (quotaDecided) {
        return store.consume(batch(domain, -1)).thenApply(outcome -> combine(plans, outcome));
      }
      return attempt(domain, quotaClaims.get(0));
    }

    private CompletionStage<Decision> attempt(String domain, int enforcedQuota) {
      attempts++;
      return store.consume(batch(domain, enforcedQuota)).thenCompose(outcome -> {
        Integer next = outcome.admitted() || ordinaryFailed(outcome) ? null : nextQuota(outcome, enforcedQuota);
        if (next == null || attempts >= quotaClaims.size()) {
          return CompletableFuture.completedFuture(combine(plans, outcome));
        }
        return attempt(domain, next);
      });
    }

    private boolean ordinaryFailed(BatchOutcome outcome) {
      for (int c = 0; c < claimed.size(); c++) {
        if (claimed.get(c).enforced() && !outcome.states().get(c).passed()) {
          return true;
        }
      }
      return false;
    }

    /** A quota claim the last batch saw with tokens, other than the one that just failed. */
    private Integer nextQuota(BatchOutcome outcome, int failed) {
      for (int c : quotaClaims) {
        if (c != failed && outcome.states().get(c).passed()) {
          return c;
        }
      }
      return null;
    }

    /** @param enforcedQuota the claim index of the quota enforced in this batch, or -1 for none */
    private BucketBatch batch(String domain, int enforcedQuota) {
      List<BucketClaim> claims = new ArrayList<>();
      for (int c = 0; c < claimed.size(); c++) {
        BucketClaim claim = claimed.get(c).claim().orElseThrow();
        claim = deniedAlready ? claim.checkOnly() : claim;
        // A charge or refund was applied by the first attempt; a retry only reads its bucket.
        claim = attempts > 1 && claim.settles() ? claim.readOnly() : claim;
        claim = c == enforcedQuota ? claim.enforcing() : claim;
        claims.add(rehearsal ? WarmupTraffic.rehearsalOf(claim) : claim);
      }
      return new BucketBatch(claims, domain, callerWaitLeft(), callerThread);
    }

    /** A second attempt gets what the caller's deadline has left after the first. */
    private long callerWaitLeft() {
      if (callerWaitNanos == BucketBatch.NO_CALLER_DEADLINE) {
        return callerWaitNanos;
      }
      return Math.max(0, callerWaitNanos - (nanoTicker.getAsLong() - started));
    }
  }

  private Decision onStoreFailure(String domain, List<DescriptorPlan> plans, Throwable failure) {
    FailurePolicy policy = failurePolicies.forDomain(domain);
    if (policy == FailurePolicy.UNAVAILABLE) {
      Throwable cause = Completions.cause(failure);
      throw cause instanceof StoreUnavailableException unavailable
          ? unavailable : new StoreUnavailableException(String.valueOf(cause.getMessage()), cause);
    }
    boolean deny = policy == FailurePolicy.DENY;
    List<DescriptorStatus> statuses = new ArrayList<>();
    boolean denied = false;
    for (DescriptorPlan plan : plans) {
      boolean overLimit = deny && plan.policy().isPresent() && (plan.enforced() || plan.quota());
      denied |= overLimit;
      statuses.add(DescriptorStatus.notRead(overLimit ? Code.OVER_LIMIT : Code.OK, plan.rule(), plan.metricKey(),
          plan.policy()));
    }
    return new Decision(denied ? Code.OVER_LIMIT : Code.OK, statuses);
  }

  /**
   * Statuses from the last batch, and the overall code as envoyproxy/ratelimit has it: OVER_LIMIT
   * when an ordinary descriptor is over, or when the request has quota-mode descriptors and every
   * one of them is over. A batch the store did not admit spent nothing, so it is always a denial.
   */
  private static Decision combine(List<DescriptorPlan> plans, BatchOutcome outcome) {
    Iterator<BucketState> states = outcome.states().iterator();
    List<DescriptorStatus> statuses = new ArrayList<>();
    boolean ordinaryOver = false;
    int quotas = 0;
    int quotasOver = 0;
    for (DescriptorPlan plan : plans) {
      quotas += plan.quota() ? 1 : 0;
      if (plan.policy().isEmpty()) {
        statuses.add(DescriptorStatus.unlimited(plan.rule(), plan.metricKey()));
        continue;
      }
      BucketState state = plan.claim().isPresent() ? states.next() : impossibleState(plan);
      if (!state.passed()) {
        ordinaryOver |= plan.enforced();
        quotasOver += plan.quota() ? 1 : 0;
      }
      statuses.add(statusOf(plan, state));
    }
    boolean denied = !outcome.admitted() || ordinaryOver || (quotas > 0 && quotasOver == quotas);
    return new Decision(denied ? Code.OVER_LIMIT : Code.OK, statuses);
  }

  private static DescriptorStatus statusOf(DescriptorPlan plan, BucketState state) {
    if (state.passed()) {
      return DescriptorStatus.ok(plan.rule(), plan.metricKey(), plan.policy(), state.remaining(), state.untilFull());
    }
    if (plan.enforced() || plan.quota()) {
      return DescriptorStatus.overLimit(
          plan.rule(), plan.metricKey(), plan.policy(), state.remaining(), state.untilPassing());
    }
    return DescriptorStatus.shadowOverLimit(
        plan.rule(), plan.metricKey(), plan.policy(), state.remaining(), state.untilFull());
  }

  private static BucketState impossibleState(DescriptorPlan plan) {
    Duration period = plan.policy().orElseThrow().period();
    return new BucketState(false, 0, period, Duration.ZERO);
  }
}
