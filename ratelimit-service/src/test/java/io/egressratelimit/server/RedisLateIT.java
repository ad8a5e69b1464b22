package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.redis.RedisServerProcess;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A service process started before its Redis: it stays up, reports the RateLimitService NOT_SERVING
 * (the process itself SERVING, so liveness probes leave it alone), answers by the failure policy,
 * and serves real decisions once Redis listens; the same after Redis is killed and started again.
 */
class RedisLateIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String SERVICE = RateLimitServiceGrpc.SERVICE_NAME;

  private static Map<String, String> env(RedisServerProcess redis, String policy, int grpcPort, int httpPort)
      throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("CONFIG_PATH", Path.of(RedisLateIT.class.getResource("/server/geocode.yaml").toURI()).toString());
    env.put("HOST", "127.0.0.1");
    env.put("GRPC_PORT", Integer.toString(grpcPort));
    env.put("PORT", Integer.toString(httpPort));
    env.put("REDIS_URL", redis.url());
    env.put("FAILURE_POLICY", policy);
    env.put("BACKEND_TIMEOUT", "5s");
    env.put("DRAIN_DELAY", "0s");
    return env;
  }

  /** What the policy answers while Redis cannot: a code, or the gRPC status UNAVAILABLE. */
  private static void assertAnsweredByPolicy(String policy, RlsTestClient rls) {
    switch (policy) {
      case "deny" -> assertEquals(RateLimitResponse.Code.OVER_LIMIT, rls.askGeocode().getOverallCode());
      case "allow" -> assertEquals(RateLimitResponse.Code.OK, rls.askGeocode().getOverallCode());
      default -> {
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, rls::askGeocode);
        assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode());
      }
    }
  }

  /**
   * A decision the store made: the global budget of 3 a minute with a time until it resets, which a
   * failure-policy answer never carries.
   */
  private static boolean decidedByRedis(RlsTestClient rls) {
    try {
      RateLimitResponse.DescriptorStatus status = rls.askGeocode().getStatuses(0);
      com.google.protobuf.Duration reset = status.getDurationUntilReset();
      return status.getCurrentLimit().getRequestsPerUnit() == 3 && (reset.getSeconds() > 0 || reset.getNanos() > 0);
    } catch (StatusRuntimeException e) {
      return false;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"unavailable", "deny", "allow"})
  void aServiceStartedBeforeRedisWaitsAnswersByPolicyAndServesOnceRedisIsUp(String policy) throws Exception {
    int grpcPort = FreePort.find();
    int httpPort = FreePort.find();
    try (RedisServerProcess redis = RedisServerProcess.notStartedYet();
        ServiceProcess service = ServiceProcess.start(env(redis, policy, grpcPort, httpPort));
        RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
      assertTrue(Eventually.within(DEADLINE, () -> !service.isAlive() || Http.status(httpPort, "/healthcheck") > 0),
          service.output());
      assertTrue(service.isAlive(), "exited while Redis was not there yet:\n" + service.output());
      assertEquals(ServingStatus.SERVING, rls.health(), "liveness: the process is fine");
      assertEquals(ServingStatus.NOT_SERVING, rls.health(SERVICE), "readiness: not before Redis");
      assertEquals(503, Http.status(httpPort, "/healthcheck"));
      assertTrue(Http.get(httpPort, "/healthcheck").body().startsWith("waiting for the first connection: redis single"),
          Http.get(httpPort, "/healthcheck").body());
      assertAnsweredByPolicy(policy, rls);
      assertTrue(Eventually.within(DEADLINE, () -> service.output().contains("answering by the failure policy")),
          service.output());
      assertTrue(service.isAlive());

      redis.restart();
      assertTrue(Eventually.within(DEADLINE, () -> Http.status(httpPort, "/healthcheck") == 200), service.output());
      assertEquals(ServingStatus.SERVING, rls.health(SERVICE));
      assertTrue(decidedByRedis(rls), "a real decision once Redis is up");

      redis.kill();
      assertTrue(Eventually.within(DEADLINE, () -> {
        try {
          assertAnsweredByPolicy(policy, rls);
          return true;
        } catch (AssertionError | StatusRuntimeException notYet) {
          return false;
        }
      }), "the policy answers while Redis is gone again");
      assertTrue(service.isAlive(), "a lost Redis does not stop the service either");

      redis.restart();
      assertTrue(Eventually.within(DEADLINE, () -> decidedByRedis(rls)), "decisions again once Redis is back");
      assertTrue(Eventually.within(DEADLINE, () -> Http.status(httpPort, "/healthcheck") == 200));
      assertTrue(service.isAlive());
    }
  }
}
