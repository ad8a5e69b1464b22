package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import io.egressratelimit.limiter.store.BucketSpec.RefillStyle;
import io.egressratelimit.limiter.store.BucketState;
import io.egressratelimit.testing.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The coalescing queue on a fake Redis that answers from another thread after a random pause. */
class CoalescingQueueTest {
  private static final BucketSpec SPEC = new BucketSpec(1, 1, Duration.ofSeconds(1), RefillStyle.GREEDY, 1);
  /** Several drainers at once: two of them taking from the queue together once lost requests. */
  private static final int MAX_IN_FLIGHT = 4;
  private static final int MAX_CLAIMS_PER_CALL = 7;

  private static final StoreDeadline GENEROUS = StoreDeadline.backendTimeout(Duration.ofSeconds(30));

  private final ExecutorService redis = Executors.newFixedThreadPool(4);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private final AtomicInteger largestCall = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();

  /** Answers each batch with its own number as the remaining tokens, so a misrouted answer shows. */
  private CompletionStage<List<BatchOutcome>> fakeRedis(List<BucketBatch> batches, List<Hold> holds) {
    calls.incrementAndGet();
    mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    largestCall.accumulateAndGet(batches.stream().mapToInt(b -> b.claims().size()).sum(), Math::max);
    return CompletableFuture.supplyAsync(() -> {
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(20_000));
      List<BatchOutcome> outcomes = new ArrayList<>();
      for (BucketBatch batch : batches) {
        long id = Long.parseLong(batch.claims().get(0).key());
        outcomes.add(new BatchOutcome(true, List.of(new BucketState(true, id, Duration.ZERO, Duration.ZERO))));
      }
      inFlight.decrementAndGet();
      return outcomes;
    }, redis);
  }

  @Test
  void everyRequestGetsItsOwnAnswerWithinTheLimitsOfOneCall() throws Exception {
    everyRequestGetsItsOwnAnswer(Runnable::run);
  }

  @Test
  void everyRequestGetsItsOwnAnswerWhenDrainsRunOnAThreadOfTheirOwn() throws Exception {
    ExecutorService ioThread = Executors.newSingleThreadExecutor();
    try {
      everyRequestGetsItsOwnAnswer(ioThread);
    } finally {
      ioThread.shutdownNow();
    }
  }

  private void everyRequestGetsItsOwnAnswer(Executor drainer) throws Exception {
    CoalescingQueue queue = new CoalescingQueue(MAX_IN_FLIGHT, MAX_CLAIMS_PER_CALL, TimeUnit.SECONDS.toNanos(30),
        line(this::fakeRedis, drainer));
    int threads = 8;
    int perThread = 5_000;
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    List<CompletableFuture<BatchOutcome>> answers = new ArrayList<>();
    List<CompletableFuture<List<CompletableFuture<BatchOutcome>>>> submitted = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int first = t * perThread;
      submitted.add(CompletableFuture.supplyAsync(() -> {
        List<CompletableFuture<BatchOutcome>> mine = new ArrayList<>();
        for (int i = first; i < first + perThread; i++) {
          int claims = 1 + i % 3;
          List<BucketClaim> batch = new ArrayList<>();
          for (int c = 0; c < claims; c++) {
            batch.add(new BucketClaim(Integer.toString(i), SPEC, 1, 1, true));
          }
          mine.add(queue.submit(new BucketBatch(batch), GENEROUS));
        }
        return mine;
      }, callers));
    }
    for (CompletableFuture<List<CompletableFuture<BatchOutcome>>> thread : submitted) {
      answers.addAll(thread.get(30, TimeUnit.SECONDS));
    }
    try {
      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      fail(answers.stream().filter(a -> !a.isDone()).count() + " requests were never answered");
    }
    for (int i = 0; i < answers.size(); i++) {
      long id = answers.get(i).join().states().get(0).remaining();
      long expected = (long) (i / perThread) * perThread + i % perThread;
      assertEquals(expected, id, "request " + i + " got another request's answer");
    }
    assertTrue(mostInFlight.get() <= MAX_IN_FLIGHT, "at most " + MAX_IN_FLIGHT + " calls in flight, saw " + mostInFlight);
    assertTrue(largestCall.get() <= MAX_CLAIMS_PER_CALL, "at most " + MAX_CLAIMS_PER_CALL + " claims per call");
    assertTrue(calls.get() < threads * perThread, "requests shared calls: " + calls + " calls");
    callers.shutdownNow();
  }

  /** Sends with {@code sender}, drains on {@code drainer}, times sweeps on the test's timer. */
  private CallLine line(Sender sender, Executor drainer) {
    return new CallLine() {
      @Override
      public CompletionStage<List<BatchOutcome>> send(List<BucketBatch> batches, List<Hold> holds) {
        return sender.send(batches, holds);
      }

      @Override
      public void runWhereCallsAreWritten(Runnable drain) {
        drainer.execute(drain);
      }

      @Override
      public void sweepAfter(Runnable sweep, long delayNanos) {
        timer.schedule(sweep, delayNanos, TimeUnit.NANOSECONDS);
      }
    };
  }

  @FunctionalInterface
  private interface Sender {
    CompletionStage<List<BatchOutcome>> send(List<BucketBatch> batches, List<Hold> holds);
  }

  @AfterEach
  void stopThreads() {
    redis.shutdownNow();
    timer.shutdownNow();
  }

  @Test
  void eachRequestFailsAtItsOwnDeadlineQueuedOrOnTheWireAndTheLongerOnesWait() throws Exception {
    List<CompletableFuture<List<BatchOutcome>>> hung = new ArrayList<>();
    CoalescingQueue queue = new CoalescingQueue(1, MAX_CLAIMS_PER_CALL, TimeUnit.SECONDS.toNanos(60), line((batches, holds) -> {
      CompletableFuture<List<BatchOutcome>> call = new CompletableFuture<>();
      hung.add(call);
      return call;
    }, Runnable::run));
    BucketBatch batch = new BucketBatch(List.of(new BucketClaim("1", SPEC, 1, 1, true)));
    CompletableFuture<BatchOutcome> onTheWire = queue.submit(batch, StoreDeadline.backendTimeout(Duration.ofMillis(300)));
    CompletableFuture<BatchOutcome> queuedLong = queue.submit(batch, StoreDeadline.backendTimeout(Duration.ofSeconds(30)));
    CompletableFuture<BatchOutcome> queuedShort = queue.submit(batch, new StoreDeadline(50_000_000, true));
    assertEquals(1, hung.size(), "one call on the wire, two requests queued behind it");

    ExecutionException shortFailure = assertThrows(ExecutionException.class, () -> queuedShort.get(10, TimeUnit.SECONDS));
    assertEquals("redis did not answer within 50 ms (what the caller's deadline left)",
        shortFailure.getCause().getMessage());
    assertFalse(queuedLong.isDone(), "a later deadline still waits when an earlier one expires");
    ExecutionException wireFailure = assertThrows(ExecutionException.class, () -> onTheWire.get(10, TimeUnit.SECONDS));
    assertEquals("redis did not answer within 300 ms (BACKEND_TIMEOUT)", wireFailure.getCause().getMessage());
    assertFalse(queuedLong.isDone(), "the 30 s request is still waiting");

    hung.get(0).complete(List.of(new BatchOutcome(true, List.of())));
    assertEquals(2, hung.size(), "once the call is back, the request still waiting goes on the wire");
    hung.get(1).complete(List.of(new BatchOutcome(true, List.of())));
    assertTrue(queuedLong.get(10, TimeUnit.SECONDS).admitted());
  }

  @Test
  void aCallRedisNeverAnswersGivesItsSlotToTheNextGroupAndItsLateAnswerIsDropped() throws Exception {
    List<CompletableFuture<List<BatchOutcome>>> calls = new CopyOnWriteArrayList<>();
    CoalescingQueue queue = new CoalescingQueue(1, MAX_CLAIMS_PER_CALL, TimeUnit.MILLISECONDS.toNanos(200), line((batches, holds) -> {
      CompletableFuture<List<BatchOutcome>> call = new CompletableFuture<>();
      calls.add(call);
      return call;
    }, Runnable::run));
    BucketBatch batch = new BucketBatch(List.of(new BucketClaim("1", SPEC, 1, 1, true)));
    CompletableFuture<BatchOutcome> hung = queue.submit(batch, StoreDeadline.backendTimeout(Duration.ofMillis(100)));
    CompletableFuture<BatchOutcome> behind = queue.submit(batch, GENEROUS);

    assertThrows(ExecutionException.class, () -> hung.get(10, TimeUnit.SECONDS));
    assertTrue(Eventually.within(Duration.ofSeconds(10), () -> calls.size() == 2),
        "the request behind the hung call goes on the wire once the call is given up on");
    calls.get(0).complete(List.of(new BatchOutcome(false, List.of())));
    assertFalse(behind.isDone(), "the hung call's late answer is not taken for the next group's");
    calls.get(1).complete(List.of(new BatchOutcome(true, List.of())));
    assertTrue(behind.get(10, TimeUnit.SECONDS).admitted());
  }

  @Test
  void theAnswersOfOneCallReachEachCallerThreadInOneTask() throws Exception {
    List<CompletableFuture<List<BatchOutcome>>> calls = new CopyOnWriteArrayList<>();
    CoalescingQueue queue = new CoalescingQueue(1, 1000, TimeUnit.SECONDS.toNanos(30), line((batches, holds) -> {
      CompletableFuture<List<BatchOutcome>> call = new CompletableFuture<>();
      calls.add(call);
      return call.thenApply(done -> batches.stream().map(b -> new BatchOutcome(true, List.of())).toList());
    }, Runnable::run));
    CountingThread loopA = new CountingThread("loop-a");
    CountingThread loopB = new CountingThread("loop-b");
    try {
      queue.submit(new BucketBatch(List.of(new BucketClaim("first", SPEC, 1, 1, true))), GENEROUS);
      List<CompletableFuture<String>> answeredOn = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        CountingThread caller = i % 2 == 0 ? loopA : loopB;
        BucketBatch batch = new BucketBatch(List.of(new BucketClaim("k" + i, SPEC, 1, 1, true)), "",
            BucketBatch.NO_CALLER_DEADLINE, caller);
        answeredOn.add(queue.submit(batch, GENEROUS).thenApply(outcome -> Thread.currentThread().getName()));
      }
      calls.get(0).complete(null);
      assertEquals(2, calls.size(), "the forty queued requests share the second call");
      calls.get(1).complete(null);
      for (int i = 0; i < answeredOn.size(); i++) {
        assertEquals(i % 2 == 0 ? "loop-a" : "loop-b", answeredOn.get(i).get(10, TimeUnit.SECONDS));
      }
      assertEquals(1, loopA.tasks.get(), "one task for the twenty answers on loop-a");
      assertEquals(1, loopB.tasks.get(), "one task for the twenty answers on loop-b");
    } finally {
      loopA.thread.shutdownNow();
      loopB.thread.shutdownNow();
    }
  }

  /** A caller's event loop: one named thread that counts the tasks handed to it. */
  private static final class CountingThread implements Executor {
    final AtomicInteger tasks = new AtomicInteger();
    final ExecutorService thread;

    CountingThread(String name) {
      thread = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, name));
    }

    @Override
    public void execute(Runnable task) {
      tasks.incrementAndGet();
      thread.execute(task);
    }
  }
}
