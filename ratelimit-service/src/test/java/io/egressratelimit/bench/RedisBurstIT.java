package io.egressratelimit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.redis.RedisServerProcess;
import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bursts of 50 concurrent calls on Redis, each burst on a key never used before, sent by newly
 * started client processes (the load driver, a fresh JVM each time) at a service process that has
 * served traffic: every call gets a decision, none an error. The calls carry no deadline, and the
 * backend timeout is 200 ms rather than the default 50 ms, so that the test is about errors and not
 * about how long this (shared, often starved) machine takes to schedule a thread; the benchmark's
 * burst row measures the same bursts under Envoy's 20 ms deadline.
 */
class RedisBurstIT {
  private static final Path LIMITS = Path.of("..", "scripts", "bench", "limits.yaml");

  @TempDir
  static Path classes;

  @Test
  void everyCallOfEveryBurstGetsADecision() throws Exception {
    GrpcLoadDriver driver = GrpcLoadDriver.compile(classes);
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      int grpcPort = FreePort.find();
      int httpPort = FreePort.find();
      Map<String, String> env = Map.of("CONFIG_PATH", LIMITS.toAbsolutePath().toString(), "HOST", "127.0.0.1",
          "GRPC_PORT", Integer.toString(grpcPort), "PORT", Integer.toString(httpPort),
          "REDIS_URL", "redis://127.0.0.1:" + redis.port(), "BACKEND_TIMEOUT", "200ms", "DRAIN_DELAY", "0s");
      try (ServiceProcess service = ServiceProcess.start(env)) {
        assertTrue(service.awaitServing(httpPort, Duration.ofSeconds(60)), service.output());
        String target = "127.0.0.1:" + grpcPort;
        GrpcLoadDriver.Result served = driver.run("--target", target, "--workload", "hot", "--duration", "1");
        assertEquals(0, served.exitCode(), served.stderr());

        for (int client = 0; client < 3; client++) {
          GrpcLoadDriver.Result bursts = driver.run("--target", target, "--bursts", "3", "--burst-size", "50");
          assertEquals(0, bursts.exitCode(), bursts.stderr());
          assertEquals(150, bursts.number("sent"), bursts.stdout());
          assertEquals(0, bursts.number("errors"), "client " + client + ": " + bursts.stdout());
          assertEquals(150, bursts.number("ok"), "client " + client + ": " + bursts.stdout());
        }
      }
    }
  }
}
