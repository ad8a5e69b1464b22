package io.egressratelimit.limiter;

import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.domain.Code;
import io.egressratelimit.domain.Decision;
import io.egressratelimit.domain.DescriptorStatus;
import io.egressratelimit.domain.LimitRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
  private final LongSupplier nanoTicker;
  private final RequestValidator validator;
  private final FailurePolicies failurePolicies;
  private final DescriptorPlanner planner;

  public RateLimitEngine(
      Supplier<RateLimitConfig> config,
      BucketStore store,
      DecisionListener listener,
      LongSupplier nanoTicker,
      RequestLimits limits,
      FailurePolicies failurePolicies) {
    this(config, store, listener, nanoTicker, limits, failurePolicies, Enforcement.AS_CONFIGURED);
  }

  public RateLimitEngine(
      Supplier<RateLimitConfig> config,
      BucketStore store,
      DecisionListener listener,
      LongSupplier nanoTicker,
      RequestLimits limits,
      FailurePolicies failurePolicies,
      Enforcement enforcement) {
    this.config = config;
    this.store = store;
    this.listener = listener;
    this.nanoTicker = nanoTicker;
    this.validator = new RequestValidator(limits);
    this.failurePolicies = failurePolicies;
    this.planner = new DescriptorPlanner(enforcement);
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
    long started = nanoTicker.getAsLong();
    validator.validate(request);
    List<DescriptorPlan> plans = planner.plan(request, config.get());
    List<Integer> claimed = claimedIndices(plans);

    CompletionStage<Decision> decision;
    if (claimed.isEmpty()) {
      decision = CompletableFuture.completedFuture(combine(plans, claimed, new BatchOutcome(true, List.of())));
    } else {
      BucketBatch batch = batchFor(request.domain(), plans, claimed, callerWaitNanos);
      decision = store.consume(batch).handle((outcome, failure) -> {
        if (failure == null) {
          return combine(plans, claimed, outcome);
        }
        listener.onStoreFailure(request, failure);
        return onStoreFailure(request.domain(), plans, failure);
      });
    }
    return decision.whenComplete((done, failure) -> {
      if (done != null) {
        listener.onDecision(request, done, nanoTicker.getAsLong() - started);
      }
    });
  }

  private Decision onStoreFailure(String domain, List<DescriptorPlan> plans, Throwable failure) {
    FailurePolicy policy = failurePolicies.forDomain(domain);
    if (policy == FailurePolicy.UNAVAILABLE) {
      Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
          ? failure.getCause() : failure;
      throw cause instanceof StoreUnavailableException unavailable
          ? unavailable : new StoreUnavailableException(String.valueOf(cause.getMessage()), cause);
    }
    boolean deny = policy == FailurePolicy.DENY;
    List<DescriptorStatus> statuses = new ArrayList<>();
    boolean denied = false;
    for (DescriptorPlan plan : plans) {
      boolean overLimit = deny && plan.policy().isPresent() && plan.enforced();
      denied |= overLimit;
      statuses.add(new DescriptorStatus(overLimit ? Code.OVER_LIMIT : Code.OK, plan.rule(), plan.metricKey(),
          plan.policy(), 0, Duration.ZERO, false));
    }
    return new Decision(denied ? Code.OVER_LIMIT : Code.OK, statuses, List.of());
  }

  /** Descriptors that need a bucket: limited, and not impossible by configuration alone. */
  private static List<Integer> claimedIndices(List<DescriptorPlan> plans) {
    List<Integer> claimed = new ArrayList<>();
    for (int i = 0; i < plans.size(); i++) {
      DescriptorPlan plan = plans.get(i);
      if (plan.policy().isPresent() && !plan.impossible()) {
        claimed.add(i);
      }
    }
    return claimed;
  }

  private static BucketBatch batchFor(
      String domain, List<DescriptorPlan> plans, List<Integer> claimed, long callerWaitNanos) {
    // An impossible enforced limit denies the request whatever the buckets hold, so the others are
    // only checked: the denied request must not spend their budget.
    boolean deniedAlready = plans.stream().anyMatch(p -> p.enforced() && p.impossible());
    List<BucketClaim> claims = new ArrayList<>();
    for (int index : claimed) {
      DescriptorPlan plan = plans.get(index);
      long consume = deniedAlready ? 0 : plan.consume();
      claims.add(new BucketClaim(
          plan.bucketKey(), BucketSpecs.of(plan.policy().orElseThrow()), plan.required(), consume, plan.enforced()));
    }
    return new BucketBatch(claims, domain, callerWaitNanos);
  }

  private static Decision combine(List<DescriptorPlan> plans, List<Integer> claimed, BatchOutcome outcome) {
    List<DescriptorStatus> statuses = new ArrayList<>();
    List<Integer> quotaViolations = new ArrayList<>();
    boolean denied = false;
    for (int i = 0; i < plans.size(); i++) {
      DescriptorPlan plan = plans.get(i);
      if (plan.policy().isEmpty()) {
        statuses.add(DescriptorStatus.unlimited(plan.rule(), plan.metricKey()));
        continue;
      }
      int claimIndex = claimed.indexOf(i);
      BucketState state = claimIndex >= 0 ? outcome.states().get(claimIndex) : impossibleState(plan);
      boolean passed = state.passed();
      if (!passed && plan.enforced()) {
        denied = true;
      }
      if (!passed && plan.rule().map(r -> r.quotaMode()).orElse(false)) {
        quotaViolations.add(i);
      }
      statuses.add(statusOf(plan, state));
    }
    return new Decision(denied ? Code.OVER_LIMIT : Code.OK, statuses, quotaViolations);
  }

  private static DescriptorStatus statusOf(DescriptorPlan plan, BucketState state) {
    boolean overLimit = !state.passed() && plan.enforced();
    Duration reset = overLimit ? state.untilPassing() : state.untilFull();
    return new DescriptorStatus(
        overLimit ? Code.OVER_LIMIT : Code.OK,
        plan.rule(),
        plan.metricKey(),
        plan.policy(),
        state.remaining(),
        reset,
        !state.passed() && !plan.enforced());
  }

  private static BucketState impossibleState(DescriptorPlan plan) {
    Duration period = plan.policy().orElseThrow().period();
    return new BucketState(false, 0, period, Duration.ZERO);
  }
}
