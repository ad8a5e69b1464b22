package io.egressratelimit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.server.RateLimitServer;
import io.egressratelimit.server.ServerSettings;
import io.egressratelimit.testing.FreePort;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's load driver, scripts/bench/GrpcLoad.java, against a real service on the bench
 * limits: the counts it reports are what the benchmark's figures rest on, so each is checked
 * against answers known in advance. Compiled once here; each run is a child process.
 */
class GrpcLoadIT {
  private static final Path LIMITS = Path.of("..", "scripts", "bench", "limits.yaml");

  @TempDir
  static Path classes;
  private static GrpcLoadDriver driver;
  private static RateLimitServer server;

  @BeforeAll
  static void compileAndServe() {
    driver = GrpcLoadDriver.compile(classes);
    server = RateLimitServer.start(ServerSettings.inMemory(LIMITS, 0, 0));
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @Test
  void countsEachAnswerByItsOverallCode() throws Exception {
    // The "over" budget is one call an hour: the first call of the run is OK, every later one OVER_LIMIT.
    GrpcLoadDriver.Result over = driver.run("--target", target(), "--workload", "over", "--duration", "1");
    assertEquals(0, over.exitCode(), over.stderr());
    assertTrue(over.number("sent") > 1, over.stdout());
    assertEquals(1, over.number("ok"), over.stdout());
    assertEquals(over.number("sent") - 1, over.number("over"), over.stdout());
    assertEquals(0, over.number("errors"), over.stdout());

    GrpcLoadDriver.Result keys = driver.run("--target", target(), "--workload", "keys10k", "--duration", "1", "--connections", "2");
    assertTrue(keys.number("sent") > 0, keys.stdout());
    assertEquals(keys.number("sent"), keys.number("ok"), keys.stdout());
    assertEquals(0, keys.number("over") + keys.number("errors"), keys.stdout());
  }

  @Test
  void callsTheServiceRefusesCountAsErrors() throws Exception {
    GrpcLoadDriver.Result refused = driver.run("--target", target(), "--workload", "hot", "--duration", "1", "--domain", "");
    assertEquals(0, refused.exitCode(), refused.stderr());
    assertTrue(refused.number("sent") > 0, refused.stdout());
    assertEquals(refused.number("sent"), refused.number("errors"), refused.stdout());
  }

  @Test
  void warmUpCallsAreAnsweredButNotCounted() throws Exception {
    GrpcLoadDriver.Result warmed = driver.run("--target", target(), "--workload", "hot", "--duration", "1", "--warmup", "1");
    assertTrue(warmed.number("warmup_decisions") > 0, warmed.stdout());
    assertEquals(warmed.number("sent"), warmed.number("ok"), warmed.stdout());
  }

  @Test
  void openLoopNeverSendsMoreThanTheRateOwes() throws Exception {
    GrpcLoadDriver.Result paced = driver.run("--target", target(), "--workload", "hot", "--duration", "1", "--rate", "200");
    assertEquals("200", paced.field("rate"), paced.stdout());
    assertTrue(paced.number("sent") > 0 && paced.number("sent") <= 201, paced.stdout());
    assertEquals(paced.number("sent"), paced.number("ok"), paced.stdout());
  }

  @Test
  void writesTheRequestFrameH2loadSends() throws Exception {
    Path frame = classes.resolve("hot.bin");
    GrpcLoadDriver.Result written = driver.run("--workload", "hot", "--write-frame", frame.toString());
    assertEquals(0, written.exitCode(), written.stderr());
    byte[] bytes = Files.readAllBytes(frame);
    assertEquals(0, bytes[0], "uncompressed gRPC message");
    assertEquals(bytes.length - 5, ByteBuffer.wrap(bytes, 1, 4).getInt(), "gRPC length prefix");
    RateLimitRequest request = RateLimitRequest.parseFrom(Arrays.copyOfRange(bytes, 5, bytes.length));
    assertEquals("bench", request.getDomain());
    assertEquals("generic_key", request.getDescriptors(0).getEntries(0).getKey());
    assertEquals("hot", request.getDescriptors(0).getEntries(0).getValue());
  }

  @Test
  void userMistakesGetOneLineAndNoStackTrace() throws Exception {
    GrpcLoadDriver.Result misspelled = driver.run("--target", target(), "--workload", "cold");
    assertEquals(2, misspelled.exitCode());
    assertEquals("GrpcLoad: --workload must be hot, keys10k or over, got 'cold'\n", misspelled.stderr());

    int closed = FreePort.find();
    GrpcLoadDriver.Result refused = driver.run("--target", "127.0.0.1:" + closed, "--duration", "1");
    assertEquals(1, refused.exitCode());
    assertTrue(refused.stderr().startsWith("GrpcLoad: cannot connect to 127.0.0.1:" + closed + ": "),
        refused.stderr());
    assertEquals(1, refused.stderr().lines().count(), refused.stderr());
  }

  @Test
  void burstsSendTheirCallsAtOnceOnKeysNoEarlierBurstUsed() throws Exception {
    GrpcLoadDriver.Result bursts = driver.run("--target", target(), "--bursts", "3", "--burst-size", "40");
    assertEquals(0, bursts.exitCode(), bursts.stderr());
    assertEquals(120, bursts.number("sent"), bursts.stdout());
    assertEquals(120, bursts.number("ok"), bursts.stdout());
    assertEquals(0, bursts.number("errors"), bursts.stdout());
    assertTrue(Double.parseDouble(bursts.field("max_ms")) >= Double.parseDouble(bursts.field("p999_ms")),
        bursts.stdout());
  }

  @Test
  void aCallerDeadlineIsSentAsEnvoySendsItsFilterTimeout() throws Exception {
    GrpcLoadDriver.Result withDeadline = driver.run("--target", target(), "--bursts", "2", "--burst-size", "10",
        "--deadline-ms", "5000");
    assertEquals(0, withDeadline.exitCode(), withDeadline.stderr());
    assertEquals(20, withDeadline.number("ok"), withDeadline.stdout());

    GrpcLoadDriver.Result fraction = driver.run("--target", target(), "--bursts", "1", "--deadline-ms", "1.5");
    assertEquals(2, fraction.exitCode());
    assertEquals("GrpcLoad: --deadline-ms must be a non-negative whole number, got '1.5'\n", fraction.stderr());
  }

  private static String target() {
    return "127.0.0.1:" + server.grpcPort();
  }

}
