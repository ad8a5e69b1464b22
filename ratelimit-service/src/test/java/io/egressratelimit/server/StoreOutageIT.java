package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.redis.RedisStoreSettings;
import io.egressratelimit.redis.RedisTopology;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.redis.RedisServerProcess;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis that stops answering, or stops accepting this replica, shows without any traffic: in
 * readiness, and in the log as one line when the store starts failing, one when the circuit
 * breaker opens and one when it closes, against a real redis-server.
 */
class StoreOutageIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String SERVICE = RateLimitServiceGrpc.SERVICE_NAME;

  @TempDir
  Path logs;

  private static Path config() throws Exception {
    return Path.of(StoreOutageIT.class.getResource("/server/geocode.yaml").toURI());
  }

  @Test
  void anIdleReplicaWhoseRedisPasswordChangedTurnsNotServingAndBackWhenItIsAcceptedAgain() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("--requirepass", "first-secret")) {
      ServerSettings settings = ServerSettings.inMemory(config(), 0, 0).withRedis(new RedisStoreSettings(
          "redis://:first-secret@127.0.0.1:" + redis.port(), RedisTopology.SINGLE, Optional.empty(), "ratelimit:",
          Duration.ofSeconds(1), 2));
      try (RateLimitServer server = RateLimitServer.start(settings);
          RlsTestClient health = RlsTestClient.plaintext(server.grpcPort())) {
        assertTrue(server.awaitReady(DEADLINE), "never ready");
        assertEquals(ServingStatus.SERVING, health.health(SERVICE));

        // The password is rotated and the replica's connection dropped, as a Redis restart would;
        // the replica reconnects with the old password and is refused. No rate limit call is made.
        assertEquals("+OK", redis.command("AUTH first-secret\r\nCONFIG SET requirepass second-secret"));
        redis.command("AUTH second-secret\r\nCLIENT KILL TYPE normal");
        assertTrue(Eventually.within(DEADLINE, () -> health.health(SERVICE) == ServingStatus.NOT_SERVING),
            "an idle replica refused by its Redis stayed SERVING");
        assertEquals(503, Http.status(server.httpPort(), "/healthcheck"));
        assertEquals(ServingStatus.SERVING, health.health(), "liveness is untouched: no restart for a Redis problem");

        redis.command("AUTH second-secret\r\nCONFIG SET requirepass first-secret");
        assertTrue(Eventually.within(DEADLINE, () -> health.health(SERVICE) == ServingStatus.SERVING),
            "accepted again, the replica came back by itself");
        assertEquals(200, Http.status(server.httpPort(), "/healthcheck"));
      }
    }
  }

  @Test
  void aFrozenRedisWritesOneLineWhenItFailsOneWhenTheBreakerOpensAndOneWhenItCloses() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
        ServiceProcess service = ServiceProcess.onFreePorts("outage", logs, Map.of(), "--config", config().toString(),
            "--redis-url", "127.0.0.1:" + redis.port())) {
      redis.pause();
      try (RlsTestClient rls = RlsTestClient.plaintext(service.grpcPort())) {
        // Traffic during the outage: many failed calls, still one line of each kind.
        long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < until) {
          try {
            rls.askGeocode();
          } catch (io.grpc.StatusRuntimeException expected) {
            // UNAVAILABLE while Redis is frozen
          }
        }
        assertTrue(Eventually.within(DEADLINE, () -> count(service.output(), "circuit breaker open: ") == 1),
            service.output());
      } finally {
        redis.resume();
      }
      assertTrue(Eventually.within(DEADLINE, () -> count(service.output(), "circuit breaker closed: ") == 1),
          service.output());
      String log = service.output();
      assertEquals(1, count(log, "WARN  StoreOutageLog - the bucket store is failing: "), log);
      assertEquals(1, count(log, "WARN  StoreOutageLog - circuit breaker open: "), log);
      assertEquals(1, count(log, "WARN  StoreOutageLog - circuit breaker closed: "), log);
      assertTrue(log.indexOf("is failing") < log.indexOf("breaker open") && log.indexOf("breaker open")
          < log.indexOf("breaker closed"), log);
    }
  }

  private static long count(String text, String needle) {
    return text.lines().filter(line -> line.contains(needle)).count();
  }
}
