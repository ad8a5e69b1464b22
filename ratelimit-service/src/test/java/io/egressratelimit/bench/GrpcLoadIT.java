package io.egressratelimit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.server.RateLimitServer;
import io.egressratelimit.server.ServerSettings;
import io.egressratelimit.testing.FreePort;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
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
  private static final Path SCRIPT = Path.of("..", "scripts", "bench", "GrpcLoad.java");
  private static final Path LIMITS = Path.of("..", "scripts", "bench", "limits.yaml");

  @TempDir
  static Path classes;
  private static RateLimitServer server;

  @BeforeAll
  static void compileAndServe() {
    int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null,
        "-nowarn", "--release", "17", "-d", classes.toString(), "-cp", classPath(), SCRIPT.toString());
    assertEquals(0, compiled, "GrpcLoad.java does not compile against the service's classpath");
    server = RateLimitServer.start(ServerSettings.inMemory(LIMITS, 0, 0));
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  @Test
  void countsEachAnswerByItsOverallCode() throws Exception {
    // The "over" budget is one call an hour: the first call of the run is OK, every later one OVER_LIMIT.
    Result over = run("--target", target(), "--workload", "over", "--duration", "1");
    assertEquals(0, over.exitCode(), over.stderr());
    assertTrue(over.number("sent") > 1, over.stdout());
    assertEquals(1, over.number("ok"), over.stdout());
    assertEquals(over.number("sent") - 1, over.number("over"), over.stdout());
    assertEquals(0, over.number("errors"), over.stdout());

    Result keys = run("--target", target(), "--workload", "keys10k", "--duration", "1", "--connections", "2");
    assertTrue(keys.number("sent") > 0, keys.stdout());
    assertEquals(keys.number("sent"), keys.number("ok"), keys.stdout());
    assertEquals(0, keys.number("over") + keys.number("errors"), keys.stdout());
  }

  @Test
  void callsTheServiceRefusesCountAsErrors() throws Exception {
    Result refused = run("--target", target(), "--workload", "hot", "--duration", "1", "--domain", "");
    assertEquals(0, refused.exitCode(), refused.stderr());
    assertTrue(refused.number("sent") > 0, refused.stdout());
    assertEquals(refused.number("sent"), refused.number("errors"), refused.stdout());
  }

  @Test
  void warmUpCallsAreAnsweredButNotCounted() throws Exception {
    Result warmed = run("--target", target(), "--workload", "hot", "--duration", "1", "--warmup", "1");
    assertTrue(warmed.number("warmup_decisions") > 0, warmed.stdout());
    assertEquals(warmed.number("sent"), warmed.number("ok"), warmed.stdout());
  }

  @Test
  void openLoopNeverSendsMoreThanTheRateOwes() throws Exception {
    Result paced = run("--target", target(), "--workload", "hot", "--duration", "1", "--rate", "200");
    assertEquals("200", paced.field("rate"), paced.stdout());
    assertTrue(paced.number("sent") > 0 && paced.number("sent") <= 201, paced.stdout());
    assertEquals(paced.number("sent"), paced.number("ok"), paced.stdout());
  }

  @Test
  void writesTheRequestFrameH2loadSends() throws Exception {
    Path frame = classes.resolve("hot.bin");
    Result written = run("--workload", "hot", "--write-frame", frame.toString());
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
    Result misspelled = run("--target", target(), "--workload", "cold");
    assertEquals(2, misspelled.exitCode());
    assertEquals("GrpcLoad: --workload must be hot, keys10k or over, got 'cold'\n", misspelled.stderr());

    int closed = FreePort.find();
    Result refused = run("--target", "127.0.0.1:" + closed, "--duration", "1");
    assertEquals(1, refused.exitCode());
    assertTrue(refused.stderr().startsWith("GrpcLoad: cannot connect to 127.0.0.1:" + closed + ": "),
        refused.stderr());
    assertEquals(1, refused.stderr().lines().count(), refused.stderr());
  }

  private static String target() {
    return "127.0.0.1:" + server.grpcPort();
  }

  private static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  private record Result(int exitCode, String stdout, String stderr) {
    String field(String name) {
      Matcher value = Pattern.compile("\"" + name + "\":([^,}]*)").matcher(stdout);
      if (!value.find()) throw new AssertionError("no \"" + name + "\" in: " + stdout + stderr);
      return value.group(1);
    }

    long number(String name) {
      return Long.parseLong(field(name));
    }
  }

  private static Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classes + java.io.File.pathSeparator + classPath(), "GrpcLoad"));
    command.addAll(List.of(args));
    Path stdout = Files.createTempFile(classes, "stdout", ".txt");
    Path stderr = Files.createTempFile(classes, "stderr", ".txt");
    Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("GrpcLoad did not end within 60 s: " + String.join(" ", args));
    }
    return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }
}
