package io.egressratelimit.loadgen.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.ServiceProcess;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's load driver, {@code loadgen bench}, against a real service process on the bench
 * limits (in-memory store): the counts it reports are what the benchmark's figures rest on, so each
 * is checked against answers known in advance.
 */
class BenchIT {
  private static final Path LIMITS = Path.of("..", "scripts", "bench", "limits.yaml");

  @TempDir
  static Path dir;
  private static ServiceProcess service;

  @BeforeAll
  static void serve() throws Exception {
    service = ServiceProcess.fromPackagedJarOnFreePorts("bench-service", dir, List.of(), "--config",
        LIMITS.toAbsolutePath().toString());
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void countsEachAnswerByItsOverallCode() {
    // The "over" budget is one call an hour: the first call of the run is OK, every later one OVER_LIMIT.
    BenchDriver.Result over = bench("--workload", "over", "--duration", "1s");
    assertEquals(0, over.exitCode(), over.stderr());
    assertTrue(over.number("sent") > 1, over.stdout());
    assertEquals(1, over.number("ok"), over.stdout());
    assertEquals(over.number("sent") - 1, over.number("over"), over.stdout());
    assertEquals(0, over.number("errors"), over.stdout());

    BenchDriver.Result keys = bench("--workload", "keys10k", "--duration", "1s", "--connections", "2");
    assertTrue(keys.number("sent") > 0, keys.stdout());
    assertEquals(keys.number("sent"), keys.number("ok"), keys.stdout());
    assertEquals(0, keys.number("over") + keys.number("errors"), keys.stdout());
  }

  @Test
  void callsTheServiceRefusesCountAsErrors() {
    BenchDriver.Result refused = bench("--workload", "hot", "--duration", "1s", "--domain", "");
    assertEquals(0, refused.exitCode(), refused.stderr());
    assertTrue(refused.number("sent") > 0, refused.stdout());
    assertEquals(refused.number("sent"), refused.number("errors"), refused.stdout());
  }

  @Test
  void warmUpCallsAreAnsweredButNotCounted() {
    BenchDriver.Result warmed = bench("--workload", "hot", "--duration", "1s", "--warmup", "1s");
    assertTrue(warmed.number("warmup_decisions") > 0, warmed.stdout());
    assertEquals(warmed.number("sent"), warmed.number("ok"), warmed.stdout());
  }

  @Test
  void openLoopNeverSendsMoreThanTheRateOwes() {
    BenchDriver.Result paced = bench("--workload", "hot", "--duration", "1s", "--rate", "200");
    assertEquals("200", paced.field("rate"), paced.stdout());
    assertTrue(paced.number("sent") > 0 && paced.number("sent") <= 201, paced.stdout());
    assertEquals(paced.number("sent"), paced.number("ok"), paced.stdout());
  }

  @Test
  void aLimitOnCallsStopsTheRunOnceTheyAreSentAndAnswered() {
    long started = System.nanoTime();
    BenchDriver.Result walked = bench("--workload", "users", "--duration", "30s", "--calls", "300");
    assertEquals(300, walked.number("sent"), walked.stdout());
    assertEquals(300, walked.number("ok"), walked.stdout());
    assertTrue(System.nanoTime() - started < 25_000_000_000L, "the run ended before its 30 s were over");
  }

  @Test
  void burstsSendTheirCallsAtOnceOnKeysNoEarlierBurstUsed() {
    BenchDriver.Result bursts = bench("--bursts", "3", "--burst-size", "40");
    assertEquals(0, bursts.exitCode(), bursts.stderr());
    assertEquals(120, bursts.number("sent"), bursts.stdout());
    assertEquals(120, bursts.number("ok"), bursts.stdout());
    assertEquals(0, bursts.number("errors"), bursts.stdout());
    assertTrue(Double.parseDouble(bursts.field("max_ms")) >= Double.parseDouble(bursts.field("p999_ms")),
        bursts.stdout());
  }

  @Test
  void aCallerDeadlineIsSentAsEnvoySendsItsFilterTimeout() {
    BenchDriver.Result withDeadline = bench("--bursts", "2", "--burst-size", "10", "--deadline", "5000ms");
    assertEquals(0, withDeadline.exitCode(), withDeadline.stderr());
    assertEquals(20, withDeadline.number("ok"), withDeadline.stdout());
  }

  @Test
  void aColdStartReportsWhenTheServiceWasServingAndTheCpuOfTheProcessesNamed() {
    long startedAt = System.currentTimeMillis() - 1_000;
    long self = ProcessHandle.current().pid();
    BenchDriver.Result cold = bench("--await-serving-since", Long.toString(startedAt), "--workload", "hot",
        "--connections", "1", "--rate", "100", "--duration", "1s", "--service-pid", Long.toString(self));
    assertEquals(0, cold.exitCode(), cold.stderr());
    assertTrue(cold.number("serving_ms") >= 1_000, cold.stdout());
    assertTrue(cold.number("service_cpu_ticks") >= 0, cold.stdout());
    assertEquals(cold.number("sent"), cold.number("ok"), cold.stdout());
  }

  private static BenchDriver.Result bench(String... args) {
    String[] withTarget = new String[args.length + 2];
    withTarget[0] = "--target";
    withTarget[1] = service.grpcTarget();
    System.arraycopy(args, 0, withTarget, 2, args.length);
    return BenchDriver.inThisJvm(withTarget);
  }
}
