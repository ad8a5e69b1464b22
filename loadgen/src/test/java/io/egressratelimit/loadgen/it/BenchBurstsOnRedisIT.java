package io.egressratelimit.loadgen.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.redis.RedisServerProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bursts of 50 concurrent calls on Redis, each burst on a key never used before, sent by newly
 * started client processes (the load driver, a fresh JVM each time) at a service process that has
 * served traffic: every call gets a decision, none an error. The calls carry no deadline, and the
 * backend timeout is 200 ms rather than the default, so that the test is about errors and not about
 * how long this (shared, often starved) machine takes to schedule a thread; the benchmark's burst
 * row measures the same bursts under Envoy's 20 ms deadline.
 */
class BenchBurstsOnRedisIT {
  private static final Path LIMITS = Path.of("..", "scripts", "bench", "limits.yaml");

  /** The client compiler alone reaches its speed in far less CPU than C2, which this box is short of. */
  private static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  @TempDir Path dir;

  @Test
  void everyCallOfEveryBurstGetsADecision() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
        ServiceProcess service = ServiceProcess.fromPackagedJarOnFreePorts("bench-service", dir, QUICK_START,
            "--config", LIMITS.toAbsolutePath().toString(), "--redis-url", redis.url(), "--backend-timeout", "200ms",
            "--drain-delay", "0s")) {
      String target = service.grpcTarget();
      BenchDriver.Result served = BenchDriver.inFreshJvm(dir, "--target", target, "--workload", "hot",
          "--duration", "1s");
      assertEquals(0, served.exitCode(), served.stderr());

      for (int client = 0; client < 3; client++) {
        BenchDriver.Result bursts = BenchDriver.inFreshJvm(dir, "--target", target, "--bursts", "3",
            "--burst-size", "50");
        assertEquals(0, bursts.exitCode(), bursts.stderr());
        assertEquals(150, bursts.number("sent"), bursts.stdout());
        assertEquals(0, bursts.number("errors"), "client " + client + ": " + bursts.stdout());
        assertEquals(150, bursts.number("ok"), "client " + client + ": " + bursts.stdout());
      }
    }
  }
}
