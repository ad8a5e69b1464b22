package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.redis.RedisServerProcess;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The service's Redis wait follows the caller's gRPC deadline, as Envoy sends its filter timeout:
 * against a hung Redis (frozen with SIGSTOP) a call gets the failure policy's answer, UNAVAILABLE,
 * before its own deadline, and the answer names the wait the service used. Without a deadline the
 * backend timeout applies.
 */
class CallerDeadlineIT {
  private static final Pattern WAITED = Pattern.compile("redis did not answer within ([0-9.]+) ms \\((.+)\\)");
  /**
   * Wider than the 2 ms default: the answer must cross back to this test JVM before its deadline on
   * a machine shared with other builds. The mechanism is the same at any margin.
   */
  private static final int MARGIN_MS = 25;

  @Test
  void theRedisWaitIsTheCallersDeadlineLessTheMarginCappedByTheBackendTimeout() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      int grpcPort = FreePort.find();
      int httpPort = FreePort.find();
      Map<String, String> env = Map.of(
          "CONFIG_PATH", Path.of(CallerDeadlineIT.class.getResource("/server/geocode.yaml").toURI()).toString(),
          "HOST", "127.0.0.1", "GRPC_PORT", Integer.toString(grpcPort), "PORT", Integer.toString(httpPort),
          "REDIS_URL", "redis://127.0.0.1:" + redis.port(), "BACKEND_TIMEOUT", "1s",
          "DEADLINE_MARGIN", MARGIN_MS + "ms", "DRAIN_DELAY", "0s");
      try (ServiceProcess service = ServiceProcess.start(env); RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
        assertTrue(service.awaitServing(httpPort, Duration.ofSeconds(60)), service.output());
        assertEquals(RateLimitResponse.Code.OK, rls.askGeocode().getOverallCode(), "Redis answers before it hangs");

        redis.pause();
        try {
          // The longest first: it also takes the failure path's first-use costs (class loading),
          // which a 50 ms caller on a loaded machine could not afford.
          Waited none = failingCall(rls, 0);
          Waited long200 = failingCall(rls, 200);
          Waited short50 = failingCall(rls, 50);

          assertEquals("what the caller's deadline left", short50.reason(), short50.message());
          assertTrue(short50.millis() <= 50 - MARGIN_MS, short50.message());
          assertEquals("what the caller's deadline left", long200.reason(), long200.message());
          assertTrue(long200.millis() > 50 && long200.millis() <= 200 - MARGIN_MS,
              "the 200 ms caller waited longer than the 50 ms one could: " + long200.message());
          assertEquals("1000 ms (BACKEND_TIMEOUT)", none.millisText() + " ms (" + none.reason() + ")", none.message());
        } finally {
          redis.resume();
        }
      }
    }
  }

  /** What the service said it waited for, with the call's deadline in ms (0: none). */
  private static Waited failingCall(RlsTestClient rls, int deadlineMs) throws Exception {
    RateLimitServiceGrpc.RateLimitServiceBlockingStub stub = RateLimitServiceGrpc.newBlockingStub(rls.channel());
    RateLimitServiceGrpc.RateLimitServiceBlockingStub withDeadline =
        deadlineMs > 0 ? stub.withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS) : stub;
    // The test's own bound on a call without a deadline; not a timing assertion.
    CompletableFuture<Status> status = CompletableFuture.supplyAsync(() -> {
      try {
        withDeadline.shouldRateLimit(RlsTestClient.request("geocode", RlsTestClient.descriptor("generic_key", "geocode")));
        return Status.OK;
      } catch (StatusRuntimeException e) {
        return e.getStatus();
      }
    });
    Status answer = status.get(30, TimeUnit.SECONDS);
    // DEADLINE_EXCEEDED here would mean the caller stopped waiting before the service answered.
    assertEquals(Status.Code.UNAVAILABLE, answer.getCode(), "deadline " + deadlineMs + " ms: " + answer);
    Matcher matcher = WAITED.matcher(String.valueOf(answer.getDescription()));
    assertTrue(matcher.matches(), "deadline " + deadlineMs + " ms: " + answer.getDescription());
    return new Waited(answer.getDescription(), matcher.group(1), matcher.group(2));
  }

  private record Waited(String message, String millisText, String reason) {
    double millis() {
      return Double.parseDouble(millisText);
    }
  }
}
