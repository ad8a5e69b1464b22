package io.egressratelimit.limiter;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketStore;
import io.egressratelimit.limiter.store.StoreUnavailableException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CircuitBreakingStoreTest {
  private final AtomicBoolean failing = new AtomicBoolean(true);
  private final AtomicInteger calls = new AtomicInteger();
  private ManualClock clock;
  private CircuitBreakingStore breaker;

  /** A store that fails while {@code failing} is set, and admits otherwise. */
  private final BucketStore flaky = new BucketStore() {
    @Override
    public CompletionStage<BatchOutcome> consume(BucketBatch batch) {
      calls.incrementAndGet();
      return failing.get()
          ? CompletableFuture.failedFuture(new StoreUnavailableException("down"))
          : CompletableFuture.completedFuture(new BatchOutcome(true, List.of()));
    }

    @Override
    public String describe() {
      return "flaky";
    }
  };

  @BeforeEach
  void setUp() {
    clock = ManualClock.midMinute();
    breaker = new CircuitBreakingStore(flaky, clock::epochNanos, 5, Duration.ofMillis(250), Duration.ofSeconds(1));
  }

  private boolean succeeds() {
    try {
      breaker.consume(new BucketBatch(List.of())).toCompletableFuture().join();
      return true;
    } catch (CompletionException e) {
      assertTrue(e.getCause() instanceof StoreUnavailableException);
      return false;
    }
  }

  @Test
  void oneBurstOfFailuresDoesNotOpenIt() {
    for (int i = 0; i < 50; i++) {
      succeeds();
    }
    assertEquals(CircuitBreakingStore.State.CLOSED, breaker.state(), "failures within 250 ms: one slow round trip");
    assertEquals(50, calls.get());
  }

  @Test
  void persistentFailuresOpenItAndThenNothingWaitsOnTheStore() {
    for (int i = 0; i < 5; i++) {
      succeeds();
    }
    clock.advance(Duration.ofMillis(300));
    succeeds();
    assertEquals(CircuitBreakingStore.State.OPEN, breaker.state());
    int before = calls.get();
    for (int i = 0; i < 100; i++) {
      assertTrue(!succeeds());
    }
    assertEquals(before, calls.get(), "while open, calls fail without reaching the store");
  }

  @Test
  void aProbeAfterTheOpenPeriodClosesItWhenTheStoreIsBack() {
    for (int i = 0; i < 5; i++) {
      succeeds();
    }
    clock.advance(Duration.ofMillis(300));
    succeeds();
    failing.set(false);
    clock.advance(Duration.ofMillis(999));
    assertTrue(!succeeds(), "still open");
    clock.advance(Duration.ofMillis(1));
    assertTrue(succeeds(), "the probe goes through");
    assertEquals(CircuitBreakingStore.State.CLOSED, breaker.state());
    assertTrue(succeeds());
  }

  @Test
  void aFailedProbeOpensItAgain() {
    for (int i = 0; i < 5; i++) {
      succeeds();
    }
    clock.advance(Duration.ofMillis(300));
    succeeds();
    clock.advance(Duration.ofSeconds(1));
    assertTrue(!succeeds(), "the probe fails");
    assertEquals(CircuitBreakingStore.State.OPEN, breaker.state());
  }

  @Test
  void theListenerHearsOfAnOutageOnceWhenItStartsOnceWhenItOpensAndOnceWhenItCloses() {
    List<String> events = new java.util.ArrayList<>();
    breaker = new CircuitBreakingStore(flaky, clock::epochNanos, 5, Duration.ofMillis(250), Duration.ofSeconds(1),
        new CircuitBreakingStore.Listener() {
          @Override
          public void onFailing(String reason) {
            events.add("failing: " + reason);
          }

          @Override
          public void onOpened(int failures, Duration failingFor, String lastReason) {
            events.add("opened after " + failures + " in " + failingFor.toMillis() + " ms: " + lastReason);
          }

          @Override
          public void onClosed(Duration openFor) {
            events.add("closed after " + openFor.toMillis() + " ms");
          }
        });
    for (int i = 0; i < 5; i++) {
      succeeds();
    }
    clock.advance(Duration.ofMillis(300));
    succeeds();
    for (int probe = 0; probe < 3; probe++) { // failed probes while open say nothing new
      clock.advance(Duration.ofSeconds(1));
      succeeds();
    }
    failing.set(false);
    clock.advance(Duration.ofSeconds(1));
    assertTrue(succeeds());
    assertTrue(succeeds());
    assertEquals(List.of("failing: down", "opened after 6 in 300 ms: down", "closed after 4000 ms"), events);
  }
}
