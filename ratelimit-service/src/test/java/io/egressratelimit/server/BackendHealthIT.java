package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.FailurePolicies;
import io.egressratelimit.limiter.FailurePolicy;
import io.egressratelimit.redis.RedisStoreSettings;
import io.egressratelimit.redis.RedisTopology;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.redis.RedisServerProcess;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /healthcheck and gRPC health follow the backend when the failure policy is to answer UNAVAILABLE. */
class BackendHealthIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String SERVICE = RateLimitServiceGrpc.SERVICE_NAME;

  private RedisServerProcess redis;

  @BeforeEach
  void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterEach
  void stopRedis() {
    redis.close();
  }

  private ServerSettings settings(FailurePolicy policy) throws Exception {
    Path config = Path.of(BackendHealthIT.class.getResource("/server/geocode.yaml").toURI());
    return ServerSettings.inMemory(config, 0, 0)
        .withRedis(new RedisStoreSettings(redis.url(), RedisTopology.SINGLE, Optional.empty(), "ratelimit:",
            Duration.ofSeconds(1), 2))
        .withFailurePolicies(new FailurePolicies(policy, Map.of()));
  }

  /** Keeps asking until the breaker has opened, as traffic would. */
  private static boolean breakerOpens(RlsTestClient rls, int httpPort) {
    return Eventually.within(DEADLINE, () -> {
      try {
        rls.askGeocode();
      } catch (StatusRuntimeException expected) {
        // UNAVAILABLE while Redis is down
      }
      return Http.get(httpPort, "/metrics").body().contains("ratelimit_circuit_breaker_state{state=\"closed\"} 0.0");
    });
  }

  @Test
  void aDownBackendTakesTheReplicaOutAndItComesBackWithoutTraffic() throws Exception {
    try (RateLimitServer server = RateLimitServer.start(settings(FailurePolicy.UNAVAILABLE));
        RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
      int http = server.httpPort();
      assertTrue(server.awaitReady(DEADLINE), "never ready");
      assertEquals(200, Http.status(http, "/healthcheck"));
      redis.kill();
      assertTrue(breakerOpens(rls, http), "the breaker never opened");
      assertEquals(503, Http.status(http, "/healthcheck"));
      assertEquals("the bucket store is unavailable and the failure policy is unavailable\n",
          Http.get(http, "/healthcheck").body());
      assertTrue(Eventually.within(DEADLINE, () -> rls.health(SERVICE) == ServingStatus.NOT_SERVING));
      assertEquals(ServingStatus.SERVING, rls.health(), "the process is alive: no reason to restart it");
      String target = "127.0.0.1:" + server.grpcPort();
      assertEquals(1, Main.execute("health", "--target", target, "--service", SERVICE));
      assertEquals(0, Main.execute("health", "--target", target));

      redis.restart();
      assertTrue(Eventually.within(DEADLINE, () -> Http.status(http, "/healthcheck") == 200),
          "the probe should close the breaker with no traffic at all");
      assertTrue(Eventually.within(DEADLINE, () -> rls.health(SERVICE) == ServingStatus.SERVING));
      assertEquals(RateLimitResponse.Code.OK,
          rls.askGeocode().getOverallCode());
    }
  }

  @Test
  void withADenyPolicyTheReplicaStaysInAndAnswersOverLimit() throws Exception {
    try (RateLimitServer server = RateLimitServer.start(settings(FailurePolicy.DENY));
        RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
      int http = server.httpPort();
      assertTrue(server.awaitReady(DEADLINE), "never ready");
      redis.kill();
      assertTrue(breakerOpens(rls, http), "the breaker never opened");
      assertEquals(200, Http.status(http, "/healthcheck"), "it still gives the answer the operator chose");
      assertEquals(RateLimitResponse.Code.OVER_LIMIT,
          rls.askGeocode().getOverallCode());
      assertEquals(ServingStatus.SERVING, rls.health(SERVICE));
    }
  }
}
