package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.Completions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Decides a request whose buckets span several cluster slots: slot by slot, in the order of the
 * request's claims, each slot's part all or nothing in one script. The request is admitted when the
 * last part is. The first part that denies ends it: what the parts before it took is given back,
 * and the parts after it are only read, for the answer's statuses. A part that fails ends it the
 * same way, with the failure. Only the parts before the last can have to give back, so only they
 * leave a receipt ({@link Hold}).
 *
 * <p>Asking one part after another, rather than all at once, costs a round trip per slot; it
 * holds a request's tokens only while its later parts decide, and only the requests a part
 * admitted go on to the next one, so concurrent requests over the same buckets are admitted as an
 * atomic script would admit them unless they meet in different orders.
 */
final class SlotBySlot {
  /** What deciding slot by slot needs from the store. */
  interface Slots {
    /** Queues one part with what is left of the request's deadline. */
    CompletableFuture<BatchOutcome> decide(SlotPlan.Part part, StoreDeadline deadline, Hold hold);

    /** Gives back what one part took, under the receipt its call left. */
    CompletableFuture<?> giveBack(Hold hold, List<BucketClaim> taken);
  }

  private final SlotPlan plan;
  private final Slots slots;
  private final StoreDeadline deadline;
  private final long arrived;
  private final BatchOutcome[] outcomes;
  private final Hold[] holds;

  /** @param arrived when the request arrived ({@link System#nanoTime}), from which its deadline runs */
  SlotBySlot(SlotPlan plan, Slots slots, StoreDeadline deadline, long arrived) {
    this.plan = plan;
    this.slots = slots;
    this.deadline = deadline;
    this.arrived = arrived;
    this.outcomes = new BatchOutcome[plan.parts().size()];
    this.holds = new Hold[plan.parts().size()];
  }

  CompletableFuture<BatchOutcome> decide() {
    return next(0);
  }

  private CompletableFuture<BatchOutcome> next(int part) {
    if (part == outcomes.length) {
      return CompletableFuture.completedFuture(plan.combine(Arrays.asList(outcomes)));
    }
    StoreDeadline left = left();
    if (left.leavesNoTime()) {
      return failAfterGivingBack(left.noTimeLeft());
    }
    Hold hold = part < outcomes.length - 1 ? (holds[part] = new Hold()) : null;
    return slots.decide(plan.parts().get(part), left, hold).handle((outcome, failure) -> {
      if (failure != null) {
        return failAfterGivingBack(Completions.cause(failure));
      }
      outcomes[part] = outcome;
      return outcome.admitted() ? next(part + 1) : deniedBy(part);
    }).thenCompose(stage -> stage);
  }

  /** Gives back what the parts before {@code part} took, reads the parts after it, and answers the denial. */
  private CompletableFuture<BatchOutcome> deniedBy(int part) {
    List<CompletableFuture<?>> pending = givingBack();
    List<CompletableFuture<BatchOutcome>> reads = new ArrayList<>();
    for (int later = part + 1; later < outcomes.length; later++) {
      CompletableFuture<BatchOutcome> read = slots.decide(plan.parts().get(later).checkOnly(), left(), null)
          .thenApply(checked -> new BatchOutcome(false, checked.states())); // a read took nothing
      reads.add(read);
      pending.add(read);
    }
    return withinDeadline(pending).handle((done, failure) -> {
      List<BatchOutcome> all = new ArrayList<>(Arrays.asList(outcomes).subList(0, part + 1));
      for (int later = part + 1; later < outcomes.length; later++) {
        CompletableFuture<BatchOutcome> read = reads.get(later - part - 1);
        boolean answered = read.isDone() && !read.isCompletedExceptionally();
        all.add(answered ? read.join() : plan.parts().get(later).unread());
      }
      return plan.combine(all);
    });
  }

  private CompletableFuture<BatchOutcome> failAfterGivingBack(Throwable cause) {
    return withinDeadline(givingBack()).handle((done, failure) -> {
      throw cause instanceof CompletionException completion ? completion : new CompletionException(cause);
    });
  }

  /** The give-backs of every part that took tokens so far. */
  private List<CompletableFuture<?>> givingBack() {
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (SlotPlan.Taken taken : plan.taken(Arrays.asList(outcomes))) {
      calls.add(slots.giveBack(holds[taken.part()], taken.claims()));
    }
    return calls;
  }

  /**
   * Completes when every call has, or when the request's deadline leaves no more time: a give-back
   * that fails or comes late only keeps tokens, which can deny more, never admit more.
   */
  private CompletableFuture<Void> withinDeadline(List<CompletableFuture<?>> calls) {
    return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .orTimeout(Math.max(0, left().nanos()), TimeUnit.NANOSECONDS);
  }

  private StoreDeadline left() {
    return new StoreDeadline(deadline.nanos() - (System.nanoTime() - arrived), deadline.fromCaller());
  }
}
