package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.redis.RedisServerProcess;
import io.egressratelimit.testing.redis.RespClient;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh replica, a real service process, warms itself up before it reports SERVING: its first
 * burst of concurrent calls after SERVING gets a decision for every call, and the warm-up spent
 * nothing of a real budget (its own Redis keys are elsewhere and expire).
 */
class WarmStartIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int BURST = 50;
  /** A fixed window of a year: no window turns during the test, so the remaining counts are exact. */
  private static final int BUDGET = 1000;

  @TempDir
  Path configDir;

  private Map<String, String> env(int grpcPort, int httpPort) throws Exception {
    Files.writeString(configDir.resolve("burst.yaml"), """
        domain: burst
        descriptors:
          - key: generic_key
            value: burst
            rate_limit: {unit: year, requests_per_unit: %d}
        """.formatted(BUDGET));
    Map<String, String> env = new HashMap<>();
    env.put("CONFIG_PATH", configDir.toString());
    env.put("HOST", "127.0.0.1");
    env.put("GRPC_PORT", Integer.toString(grpcPort));
    env.put("PORT", Integer.toString(httpPort));
    env.put("DRAIN_DELAY", "0s");
    // A wide store deadline: this test is about what a cold replica gets wrong (a script not
    // loaded, connections not open, lazy initialisation), not about latency on a shared machine,
    // which the benchmark's cold-start row measures.
    env.put("BACKEND_TIMEOUT", "5s");
    return env;
  }

  /** Fires the whole burst at once and waits for every answer (or error). */
  private static List<Object> burst(RlsTestClient rls) {
    RateLimitServiceGrpc.RateLimitServiceStub stub = RateLimitServiceGrpc.newStub(rls.channel());
    RateLimitRequest request = RlsTestClient.request("burst", RlsTestClient.descriptor("generic_key", "burst"));
    List<CompletableFuture<Object>> answers = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      CompletableFuture<Object> answer = new CompletableFuture<>();
      answers.add(answer);
      stub.withDeadlineAfter(10, TimeUnit.SECONDS).shouldRateLimit(request, new StreamObserver<>() {
        @Override
        public void onNext(RateLimitResponse response) {
          answer.complete(response);
        }

        @Override
        public void onError(Throwable failure) {
          answer.complete(failure);
        }

        @Override
        public void onCompleted() {}
      });
    }
    return answers.stream().map(CompletableFuture::join).toList();
  }

  /** Every call decided OK, and the remaining counts are the budget's first 50 steps: nothing else spent it. */
  private static void assertEveryCallDecidedFromAnUntouchedBudget(List<Object> answers) {
    Set<Integer> remaining = new HashSet<>();
    for (Object answer : answers) {
      assertTrue(answer instanceof RateLimitResponse, "an error instead of a decision: " + answer);
      RateLimitResponse response = (RateLimitResponse) answer;
      assertEquals(RateLimitResponse.Code.OK, response.getOverallCode());
      remaining.add(response.getStatuses(0).getLimitRemaining());
    }
    Set<Integer> expected = new HashSet<>();
    for (int i = 1; i <= BURST; i++) {
      expected.add(BUDGET - i);
    }
    assertEquals(expected, remaining, "one token per call, from a bucket the warm-up never touched");
  }

  private static void awaitServing(ServiceProcess service, RlsTestClient rls, int httpPort) {
    assertTrue(service.awaitServing(httpPort, DEADLINE), service.output());
    assertEquals(ServingStatus.SERVING, rls.health(RateLimitServiceGrpc.SERVICE_NAME));
  }

  @Test
  void onTheEmbeddedStoreTheFirstBurstAfterServingIsAllDecisions() throws Exception {
    int grpcPort = FreePort.find();
    int httpPort = FreePort.find();
    try (ServiceProcess service = ServiceProcess.start(env(grpcPort, httpPort));
        RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
      awaitServing(service, rls, httpPort);
      assertEveryCallDecidedFromAnUntouchedBudget(burst(rls));
      assertTrue(service.output().contains("warm-up calls"), service.output());
      assertWarmupLeftNoMetric(httpPort);
    }
  }

  @Test
  void onRedisTheFirstBurstAfterServingIsAllDecisionsAndTheWarmupKeysExpire() throws Exception {
    int grpcPort = FreePort.find();
    int httpPort = FreePort.find();
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      Map<String, String> env = env(grpcPort, httpPort);
      env.put("REDIS_URL", redis.url());
      try (ServiceProcess service = ServiceProcess.start(env);
          RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
        awaitServing(service, rls, httpPort);
        assertEquals(List.of(), keys(redis, "*{burst}*"), "the warm-up touched no bucket of a configured domain");
        List<String> warmupKeys = keys(redis, "*{_ratelimit_warmup}*");
        assertFalse(warmupKeys.isEmpty(), "the warm-up ran its calls through Redis");
        for (String key : warmupKeys) {
          long ttl = (Long) RespClient.call(redis.port(), "PTTL", key);
          assertTrue(ttl == -2 || (ttl > 0 && ttl <= 3000), key + " lives " + ttl + " ms more");
        }
        assertEquals(List.of(1L), RespClient.call(redis.port(), "SCRIPT", "EXISTS", tokenBucketScriptSha()),
            "the token bucket script is in Redis's cache");

        assertEveryCallDecidedFromAnUntouchedBudget(burst(rls));
        assertWarmupLeftNoMetric(httpPort);
        assertTrue(Eventually.within(DEADLINE, () -> keys(redis, "*{_ratelimit_warmup}*").isEmpty()),
            "the warm-up keys expire");
      }
    }
  }

  private static void assertWarmupLeftNoMetric(int httpPort) {
    String metrics = Http.get(httpPort, "/metrics").body();
    assertFalse(metrics.contains("_ratelimit_warmup"), "warm-up decisions stay out of the metrics");
    assertTrue(metrics.contains("domain=\"burst\""), "the burst is counted");
  }

  @SuppressWarnings("unchecked")
  private static List<String> keys(RedisServerProcess redis, String pattern) {
    return (List<String>) RespClient.call(redis.port(), "KEYS", pattern);
  }

  /** The SHA1 Redis knows the shipped token-bucket script by. */
  private static String tokenBucketScriptSha() throws Exception {
    try (java.io.InputStream in = WarmStartIT.class.getResourceAsStream("/io/egressratelimit/redis/token-buckets.lua")) {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-1").digest(in.readAllBytes());
      return java.util.HexFormat.of().formatHex(digest);
    }
  }
}
