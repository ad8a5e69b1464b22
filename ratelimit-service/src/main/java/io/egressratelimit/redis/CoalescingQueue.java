package io.egressratelimit.redis;

import io.egressratelimit.limiter.BatchOutcome;
import io.egressratelimit.limiter.BucketBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Makes requests that arrive while earlier ones are on the wire share the next round trip. With a
 * hot key this turns thousands of decisions per second into a few hundred script calls, and since
 * each call is atomic in Redis, sharing one changes no answer.
 */
final class CoalescingQueue {
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final int maxInFlight;
  private final int maxClaimsPerCall;
  private final Function<List<BucketBatch>, CompletionStage<List<BatchOutcome>>> sender;

  CoalescingQueue(
      int maxInFlight, int maxClaimsPerCall, Function<List<BucketBatch>, CompletionStage<List<BatchOutcome>>> sender) {
    this.maxInFlight = maxInFlight;
    this.maxClaimsPerCall = maxClaimsPerCall;
    this.sender = sender;
  }

  CompletableFuture<BatchOutcome> submit(BucketBatch batch) {
    Pending pending = new Pending(batch, new CompletableFuture<>());
    queue.add(pending);
    drain();
    return pending.result;
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
    group.forEach(p -> batches.add(p.batch));
    CompletionStage<List<BatchOutcome>> call;
    try {
      call = sender.apply(batches);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    call.whenComplete((outcomes, failure) -> {
      inFlight.decrementAndGet();
      drain(); // put the next group on the wire before answering this one
      for (int i = 0; i < group.size(); i++) {
        if (failure != null) {
          group.get(i).result.completeExceptionally(failure);
        } else {
          group.get(i).result.complete(outcomes.get(i));
        }
      }
    });
  }

  private record Pending(BucketBatch batch, CompletableFuture<BatchOutcome> result) {}
}
