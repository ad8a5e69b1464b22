package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes requests that arrive while earlier ones are on the wire share the next round trip. With a
 * hot key this turns thousands of decisions per second into a few hundred script calls, and since
 * each call is atomic in Redis, sharing one changes no answer.
 *
 * <p>Each request has its own deadline, counted from its arrival. Rather than a timer per request
 * (two lock round trips on a shared scheduler, from two threads, for every decision), one sweep is
 * scheduled for the earliest deadline any waiting request has; it fails what has expired, queued or
 * on the wire, and schedules itself again for the next earliest. Requests with equal budgets
 * arrive in deadline order, so in steady traffic no request schedules anything. The same sweep
 * frees the slot of a call Redis has not answered within the call timeout, so no timer is armed
 * per call either. At a low rate each request arms the sweep; the timer is the Redis I/O thread's
 * own, which the request wakes anyway to drain, so a decision wakes no thread beyond the two
 * hand-offs it needs.
 *
 * <p>Groups are formed where calls are written: on the Redis I/O thread ({@link CallLine}), not on
 * the thread a request arrives on. A burst's first request hands the I/O thread a drain task, and
 * by the time that thread runs, the rest of the burst has queued behind it: the burst goes out as
 * one call. The busier the machine, the longer that hand-off takes and the larger the group, so a
 * loaded replica spends fewer round trips, not more. Answers then complete on that same thread,
 * which drains again before answering, and hands each caller's event loop its answers in one
 * task (see {@link CallerHandOff}).
 */
final class CoalescingQueue {
  private static final long NONE = Long.MAX_VALUE;

  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final Set<Call> onTheWire = ConcurrentHashMap.newKeySet();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong sweepAt = new AtomicLong(NONE);
  private final AtomicBoolean drainHandedOver = new AtomicBoolean();
  private final int maxInFlight;
  private final int maxClaimsPerCall;
  private final long callTimeoutNanos;
  private final CallLine line;

  /**
   * @param callTimeoutNanos how long a call may stay on the wire before its slot is given to the
   *     next group (its requests have failed at their own deadlines by then); a hung call's answer
   *     is dropped when it comes
   * @param line where groups go as calls, drains run and sweeps are timed
   */
  CoalescingQueue(int maxInFlight, int maxClaimsPerCall, long callTimeoutNanos, CallLine line) {
    this.maxInFlight = maxInFlight;
    this.maxClaimsPerCall = maxClaimsPerCall;
    this.callTimeoutNanos = callTimeoutNanos;
    this.line = line;
  }

  /** Queues a request; its stage fails with {@link StoreUnavailableException} once {@code deadline} has passed. */
  CompletableFuture<BatchOutcome> submit(BucketBatch batch, StoreDeadline deadline) {
    return submit(batch, deadline, null);
  }

  /** Queues one slot's part of a request over several slots; the sender learns its {@code hold}. */
  CompletableFuture<BatchOutcome> submit(BucketBatch batch, StoreDeadline deadline, Hold hold) {
    Pending pending = new Pending(batch, new CompletableFuture<>(), System.nanoTime() + deadline.nanos(), deadline,
        hold);
    queue.add(pending);
    sweepBy(pending.expiresAt);
    // With every call slot taken, the next completion drains; otherwise one drain is handed over,
    // and everything queued until it runs rides the same call.
    if (inFlight.get() < maxInFlight && drainHandedOver.compareAndSet(false, true)) {
      try {
        line.runWhereCallsAreWritten(this::handedOverDrain);
      } catch (RejectedExecutionException closing) {
        handedOverDrain();
      }
    }
    return pending.result;
  }

  private void handedOverDrain() {
    drainHandedOver.set(false); // first: a request queued from here on hands over a drain of its own
    drain();
  }

  private void drain() {
    while (!queue.isEmpty()) {
      int current = inFlight.get();
      if (current >= maxInFlight) {
        return; // the call in flight drains again when it completes
      }
      if (!inFlight.compareAndSet(current, current + 1)) {
        continue;
      }
      List<Pending> group = takeGroup();
      if (group.isEmpty()) {
        inFlight.decrementAndGet();
        continue;
      }
      send(group);
    }
  }

  /**
   * Takes the next group off the queue. Only one drainer takes at a time: with two, a request seen
   * by one could be taken by the other in between, and the first would take (and drop) the request
   * behind it.
   */
  private List<Pending> takeGroup() {
    List<Pending> group = new ArrayList<>();
    int claims = 0;
    synchronized (queue) {
      Pending next;
      while ((next = queue.peek()) != null) {
        if (next.result.isDone()) {
          queue.poll(); // answered already (its deadline passed): sending it would spend tokens for nobody
          continue;
        }
        int size = next.batch.claims().size();
        if (!group.isEmpty() && claims + size > maxClaimsPerCall) {
          break;
        }
        group.add(queue.poll());
        claims += size;
      }
    }
    return group;
  }

  private void send(List<Pending> group) {
    List<BucketBatch> batches = new ArrayList<>(group.size());
    List<Hold> holds = new ArrayList<>(group.size());
    group.forEach(p -> {
      batches.add(p.batch);
      holds.add(p.hold);
    });
    Call call = new Call(group, System.nanoTime() + callTimeoutNanos);
    onTheWire.add(call);
    CompletionStage<List<BatchOutcome>> reply;
    try {
      reply = line.send(batches, holds);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete((outcomes, failure) -> {
      if (!release(call)) {
        return; // the sweep gave up on this call; its requests have been answered
      }
      drain(); // put the next group on the wire before answering this one
      CallerHandOff answers = new CallerHandOff();
      for (int i = 0; i < group.size(); i++) {
        CompletableFuture<BatchOutcome> result = group.get(i).result;
        if (result.isDone()) {
          continue; // its deadline passed while on the wire
        }
        Runnable answer = failure != null
            ? () -> result.completeExceptionally(failure)
            : answerWith(result, outcomes.get(i));
        answers.add(group.get(i).batch.callerThread(), answer);
      }
      answers.run();
    });
  }

  /** Takes the call off the wire and frees its slot, once: its answer or the sweep, whichever comes first. */
  private boolean release(Call call) {
    if (!call.released.compareAndSet(false, true)) {
      return false;
    }
    onTheWire.remove(call);
    inFlight.decrementAndGet();
    return true;
  }

  private static Runnable answerWith(CompletableFuture<BatchOutcome> result, BatchOutcome outcome) {
    return () -> result.complete(outcome);
  }

  /** Makes sure a sweep runs no later than {@code deadline}. */
  private void sweepBy(long deadline) {
    while (true) {
      long armed = sweepAt.get();
      if (armed <= deadline) {
        return;
      }
      if (sweepAt.compareAndSet(armed, deadline)) {
        line.sweepAfter(this::sweep, deadline - System.nanoTime());
        return;
      }
    }
  }

  /** Fails every request whose deadline has passed, and arms the next sweep for the earliest left. */
  private void sweep() {
    // Cleared first: a request queued while this runs either is seen below or arms its own sweep.
    sweepAt.set(NONE);
    long now = System.nanoTime();
    long next = NONE;
    for (Pending pending : queue) {
      next = Math.min(next, expireOrNext(pending, now));
    }
    boolean slotFreed = false;
    for (Call call : onTheWire) {
      for (Pending pending : call.group) {
        next = Math.min(next, expireOrNext(pending, now));
      }
      if (call.giveUpAt - now <= 0) {
        slotFreed |= release(call);
      } else {
        next = Math.min(next, call.giveUpAt);
      }
    }
    if (next != NONE) {
      sweepBy(next);
    }
    if (slotFreed) {
      drain();
    }
  }

  /** Fails the request if its deadline has passed; otherwise returns its deadline (NONE once answered). */
  private static long expireOrNext(Pending pending, long now) {
    if (pending.result.isDone()) {
      return NONE;
    }
    if (pending.expiresAt - now <= 0) {
      pending.result.completeExceptionally(
          new StoreUnavailableException("redis did not answer within " + pending.deadline.describe()));
      return NONE;
    }
    return pending.expiresAt;
  }

  /** A group on the wire, given up on at {@code giveUpAt} if Redis has not answered by then. */
  private static final class Call {
    final List<Pending> group;
    final long giveUpAt;
    final AtomicBoolean released = new AtomicBoolean();

    Call(List<Pending> group, long giveUpAt) {
      this.group = group;
      this.giveUpAt = giveUpAt;
    }
  }

  private record Pending(BucketBatch batch, CompletableFuture<BatchOutcome> result, long expiresAt,
      StoreDeadline deadline, Hold hold) {}
}
