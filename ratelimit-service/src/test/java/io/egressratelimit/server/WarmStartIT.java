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
import io.grpc.Metadata;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.stub.MetadataUtils;
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
 * A fresh replica, a real service process, warms itself up before it reports SERVING by rehearsing
 * every configured rule: its first calls after SERVING, from a client in another process (this
 * test's), get a decision each, and the warm-up spent nothing of a real budget (its own Redis keys
 * are elsewhere and expire) and counted nothing in the metrics, where the rules' meters wait at zero.
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
    // Rules of every shape the warm-up must find a descriptor for: a wildcard value, a key alone,
    // and a nested rule under a key-only parent.
    Files.writeString(configDir.resolve("shapes.yaml"), """
        domain: shapes
        descriptors:
          - key: path
            value: /api/*
            rate_limit: {unit: year, requests_per_unit: %d}
          - key: user
            rate_limit: {unit: year, requests_per_unit: %d}
            descriptors:
              - key: plan
                value: gold
                rate_limit: {unit: year, requests_per_unit: %d}
        """.formatted(BUDGET, BUDGET, BUDGET));
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

  /** The first call on each rule of the other shapes: decided, from a budget nobody spent. */
  private static void assertFirstCallOnEveryShapeDecidedFromAnUntouchedBudget(RlsTestClient rls) {
    List<RateLimitRequest> firstCalls = List.of(
        RlsTestClient.request("shapes", RlsTestClient.descriptor("path", "/api/orders")),
        RlsTestClient.request("shapes", RlsTestClient.descriptor("user", "ada")),
        RlsTestClient.request("shapes", RlsTestClient.descriptor("user", "ada", "plan", "gold")));
    for (RateLimitRequest request : firstCalls) {
      RateLimitResponse response = rls.ask(request);
      assertEquals(RateLimitResponse.Code.OK, response.getOverallCode(), request.toString());
      assertEquals(BUDGET - 1, response.getStatuses(0).getLimitRemaining(), "an untouched budget: " + request);
    }
  }

  /**
   * Before any caller's call: every rule's meters are there at zero, and the warm-up's thousands
   * of decisions, calls and store round trips are counted nowhere an operator reads.
   */
  private static void assertRuleMetersWaitAtZero(int httpPort) {
    String metrics = Http.get(httpPort, "/metrics").body();
    for (String rule : List.of("burst.generic_key_burst", "shapes.path_/api/*", "shapes.user", "shapes.user.plan_gold")) {
      assertTrue(metrics.contains("ratelimit_hits_total{domain=\"" + rule.substring(0, rule.indexOf('.'))
          + "\",key=\"" + rule + "\"} 0.0"), rule + " has its meters at zero:\n" + metrics);
    }
    assertTrue(metrics.contains("ratelimit_service_rate_limit_total_hits{domain=\"burst\",key1=\"generic_key_burst\"} 0"),
        metrics);
    // (ratelimit_backend counts the store's own readiness probes too, so it is not read here.)
    for (String count : List.of("ratelimit_decision_seconds_count 0\n", "ratelimit_requests_total{code=\"ok\"} 0.0")) {
      assertTrue(metrics.contains(count), count + ":\n" + metrics);
    }
    assertFalse(metrics.contains("ratelimit_service_response_time_seconds_count{grpc_method=\"ShouldRateLimit\"} 1"),
        metrics);
    assertFalse(metrics.contains("_ratelimit_warmup"), "warm-up decisions stay out of the metrics");
  }

  @Test
  void onTheEmbeddedStoreTheFirstBurstAfterServingIsAllDecisions() throws Exception {
    int grpcPort = FreePort.find();
    int httpPort = FreePort.find();
    try (ServiceProcess service = ServiceProcess.start(env(grpcPort, httpPort));
        RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
      awaitServing(service, rls, httpPort);
      assertRuleMetersWaitAtZero(httpPort);
      assertEveryCallDecidedFromAnUntouchedBudget(burst(rls));
      assertFirstCallOnEveryShapeDecidedFromAnUntouchedBudget(rls);
      assertTrue(service.output().contains("warm-up calls"), service.output());
      assertWarmupLeftNoMetric(httpPort);
    }
  }

  /** Only the replica's own warm-up, which holds a secret, is rehearsed: a caller sending the header is limited. */
  @Test
  void aCallerThatSendsTheWarmupHeaderSpendsTheRealBudget() throws Exception {
    int grpcPort = FreePort.find();
    int httpPort = FreePort.find();
    try (ServiceProcess service = ServiceProcess.start(env(grpcPort, httpPort));
        RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
      awaitServing(service, rls, httpPort);
      Metadata forged = new Metadata();
      forged.put(Metadata.Key.of("x-ratelimit-warmup", Metadata.ASCII_STRING_MARSHALLER), "1");
      RateLimitServiceGrpc.RateLimitServiceBlockingStub stub = RateLimitServiceGrpc.newBlockingStub(rls.channel())
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(forged));
      RateLimitRequest request = RlsTestClient.request("burst", RlsTestClient.descriptor("generic_key", "burst"));
      for (int i = 1; i <= 3; i++) {
        RateLimitResponse response = stub.withDeadlineAfter(10, TimeUnit.SECONDS).shouldRateLimit(request);
        assertEquals(BUDGET - i, response.getStatuses(0).getLimitRemaining(), "call " + i + " spent the real budget");
      }
      assertTrue(Http.get(httpPort, "/metrics").body()
          .contains("ratelimit_hits_total{domain=\"burst\",key=\"burst.generic_key_burst\"} 3.0"), "and is counted");
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
        assertEquals(List.of(), realKeys(redis), "the warm-up touched no bucket of a configured rule");
        List<String> warmupKeys = keys(redis, "*_ratelimit_warmup|*");
        assertTrue(warmupKeys.stream().anyMatch(key -> key.contains("rehearses=burst")),
            "the warm-up rehearsed the configured rule through Redis: " + warmupKeys);
        for (String key : warmupKeys) {
          long ttl = (Long) RespClient.call(redis.port(), "PTTL", key);
          assertTrue(ttl == -2 || (ttl > 0 && ttl <= 3000), key + " lives " + ttl + " ms more");
        }
        assertEquals(List.of(1L), RespClient.call(redis.port(), "SCRIPT", "EXISTS", tokenBucketScriptSha()),
            "the token bucket script is in Redis's cache");

        assertRuleMetersWaitAtZero(httpPort);
        assertEveryCallDecidedFromAnUntouchedBudget(burst(rls));
        assertFirstCallOnEveryShapeDecidedFromAnUntouchedBudget(rls);
        assertWarmupLeftNoMetric(httpPort);
        assertTrue(Eventually.within(DEADLINE, () -> keys(redis, "*_ratelimit_warmup|*").isEmpty()),
            "the warm-up keys expire");
      }
    }
  }

  private static void assertWarmupLeftNoMetric(int httpPort) {
    String metrics = Http.get(httpPort, "/metrics").body();
    assertFalse(metrics.contains("_ratelimit_warmup"), "warm-up decisions stay out of the metrics");
    assertTrue(metrics.contains("domain=\"burst\""), "the burst is counted");
  }

  /** Keys of real buckets: every key but the warm-up's own. */
  private static List<String> realKeys(RedisServerProcess redis) {
    return keys(redis, "*").stream().filter(key -> !key.contains("_ratelimit_warmup|")).toList();
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
