package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.redis.RedisServerProcess;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real service process: health fails at once while calls are still answered, a call
 * in flight when the server stops listening still gets its answer, and the process exits 0.
 */
class GracefulDrainIT {

  @Test
  void sigtermDrainsAndExitsZero() throws Exception {
    Path config = Path.of(GracefulDrainIT.class.getResource("/server/geocode.yaml").toURI());
    int grpcPort = FreePort.find();
    int httpPort = FreePort.find();
    try (RedisServerProcess redis = RedisServerProcess.start();
        ServiceProcess service = ServiceProcess.start(Map.of(
            "CONFIG_PATH", config.toString(), "HOST", "127.0.0.1", "GRPC_PORT", Integer.toString(grpcPort),
            "PORT", Integer.toString(httpPort), "REDIS_URL", redis.url(), "BACKEND_TIMEOUT", "30s",
            "DRAIN_DELAY", "3s", "DRAIN_PERIOD", "30s"))) {
      assertTrue(service.awaitServing(httpPort, Duration.ofSeconds(60)), service.output());
      try (RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
        assertEquals(RateLimitResponse.Code.OK, rls.askGeocode().getOverallCode());
        assertEquals(ServingStatus.SERVING, rls.health());

        service.terminate();
        assertTrue(Eventually.within(Duration.ofSeconds(10), () -> Http.status(httpPort, "/healthcheck") == 503),
            "/healthcheck never said 503; output:\n" + service.output());
        assertEquals("draining\n", Http.get(httpPort, "/healthcheck").body());
        assertEquals(ServingStatus.NOT_SERVING, rls.health());
        assertEquals(ServingStatus.NOT_SERVING, rls.health(RateLimitServiceGrpc.SERVICE_NAME));
        assertEquals(RateLimitResponse.Code.OK, rls.askGeocode().getOverallCode(),
            "calls are still answered during the drain delay");

        // Redis holds every command for 5 s: this call is still in flight when the server stops listening.
        assertEquals("+OK", redis.command("CLIENT PAUSE 5000 ALL"));
        Future<RateLimitResponse> inFlight = RateLimitServiceGrpc.newFutureStub(rls.channel())
            .withDeadlineAfter(60, TimeUnit.SECONDS)
            .shouldRateLimit(RlsTestClient.request("geocode", RlsTestClient.descriptor("generic_key", "geocode")));
        assertEquals(RateLimitResponse.Code.OK, inFlight.get(60, TimeUnit.SECONDS).getOverallCode(),
            "the call in flight got its answer");
      }
      assertEquals(0, service.awaitExit(Duration.ofSeconds(60)), service.output());
      String output = service.output();
      assertTrue(output.contains("draining: health checks fail now"), output);
      assertTrue(output.indexOf("stopped") > output.indexOf("draining"), "the Redis store closed before exit");
    }
  }
}
