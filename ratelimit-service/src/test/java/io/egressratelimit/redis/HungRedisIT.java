package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.config.files.LimitsFiles;
import io.egressratelimit.domain.Code;
import io.egressratelimit.domain.Decision;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.LimitRequest;
import io.egressratelimit.domain.RequestDescriptor;
import io.egressratelimit.limiter.CircuitBreakingStore;
import io.egressratelimit.limiter.DecisionListener;
import io.egressratelimit.limiter.EngineSettings;
import io.egressratelimit.limiter.FailurePolicies;
import io.egressratelimit.limiter.FailurePolicy;
import io.egressratelimit.limiter.RateLimitEngine;
import io.egressratelimit.testing.redis.OneRedisServer;
import io.egressratelimit.testing.redis.RedisNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Redis that hangs (frozen with SIGSTOP: connections stay open, nothing is answered) behind the
 * engine and the circuit breaker wired as the server wires them. Calls are answered by the failure
 * policy within the backend timeout plus a margin; once the breaker opens, calls are answered
 * without waiting at all; after Redis thaws the breaker closes by itself.
 */
class HungRedisIT {
  private static final Duration BACKEND_TIMEOUT = Duration.ofMillis(300);
  private static final Duration MARGIN = Duration.ofMillis(700);
  private static final LimitRequest GEOCODE = new LimitRequest("geocode",
      List.of(RequestDescriptor.of(new DescriptorEntry("generic_key", "geocode"))), 0);

  @RegisterExtension
  static final OneRedisServer redis = new OneRedisServer();

  @Test
  void aHungRedisCostsOneTimeoutUntilTheBreakerOpensAndNothingWhileItIsOpen() throws Exception {
    RateLimitConfig config = LimitsFiles.load(Path.of(HungRedisIT.class.getResource("/redis/large-budget.yaml").toURI()));
    RedisStoreSettings settings = RedisStoreSettings.standalone(redis.url()).withKeyPrefix("hung:")
        .withTimeout(BACKEND_TIMEOUT);
    // The server's breaker: open after 5 failures spread over 250 ms, probe once a second.
    CircuitBreakingStore breaker = new CircuitBreakingStore(
        ScriptStores.connect(settings), System::nanoTime, 5, Duration.ofMillis(250), Duration.ofSeconds(1));
    RateLimitEngine engine = new RateLimitEngine(() -> config, breaker, DecisionListener.NONE, System::nanoTime,
        EngineSettings.DEFAULT.withFailurePolicies(new FailurePolicies(FailurePolicy.DENY, Map.of())));
    ExecutorService envoys = Executors.newFixedThreadPool(4);
    try {
      assertTrue(fromRedis(decide(engine)), "healthy before Redis hangs");

      redis.node().pause();
      AtomicInteger answeredWhileOpen = new AtomicInteger();
      List<String> wrong = new ArrayList<>();
      long hangEnds = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2000);
      List<Future<?>> load = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        load.add(envoys.submit(() -> {
          while (System.nanoTime() < hangEnds) {
            boolean openBefore = breaker.state() == CircuitBreakingStore.State.OPEN;
            CompletableFuture<Decision> call = engine.shouldRateLimit(GEOCODE).toCompletableFuture();
            boolean openAfter = breaker.state() == CircuitBreakingStore.State.OPEN;
            if (openBefore && openAfter) {
              // Neither probing nor closing in between: this call must not have waited for anything.
              if (!call.isDone()) {
                synchronized (wrong) {
                  wrong.add("a call waited while the breaker was open");
                }
              }
              answeredWhileOpen.incrementAndGet();
            }
            Decision decision = call.get(BACKEND_TIMEOUT.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
            if (decision.overallCode() != Code.OVER_LIMIT) {
              synchronized (wrong) {
                wrong.add("the deny policy answered " + decision.overallCode());
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> thread : load) {
        thread.get(10, TimeUnit.SECONDS); // a TimeoutException inside means a call outlived its deadline
      }
      assertEquals(List.of(), wrong);
      assertEquals(CircuitBreakingStore.State.OPEN, breaker.state(), "a hung Redis opens the breaker");
      assertTrue(answeredWhileOpen.get() > 0, "calls arrived while the breaker was open");

      redis.node().resume();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!fromRedis(decide(engine)) && System.nanoTime() < deadline) {
        RedisNodes.sleep(50);
      }
      assertTrue(fromRedis(decide(engine)), "Redis answers again once it thaws");
      assertEquals(CircuitBreakingStore.State.CLOSED, breaker.state());
    } finally {
      envoys.shutdownNow();
      redis.node().resume();
      breaker.close();
    }
  }

  private static Decision decide(RateLimitEngine engine) throws Exception {
    try {
      return engine.shouldRateLimit(GEOCODE).toCompletableFuture()
          .get(BACKEND_TIMEOUT.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within the backend timeout plus the margin", e);
    }
  }

  /** The budget is never spent: Redis says OK with tokens left, the deny policy says OVER_LIMIT. */
  private static boolean fromRedis(Decision decision) {
    return decision.overallCode() == Code.OK && decision.statuses().get(0).limitRemaining() > 0;
  }
}
