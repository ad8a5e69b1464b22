package io.egressratelimit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service as a real child process, {@code java -cp <test classpath> io.egressratelimit.server.Main},
 * with a clean environment (only what the test passes, so the developer's own variables cannot leak
 * in) and its stdout and stderr captured to one file.
 */
public final class ServiceProcess implements AutoCloseable {
  private final Process process;
  private final Path output;

  private ServiceProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  public static ServiceProcess start(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", classPath(), "io.egressratelimit.server.Main"));
    command.addAll(List.of(args));
    try {
      Path output = Files.createTempFile("ratelimit-service", ".log");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      builder.environment().clear();
      builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      builder.environment().putAll(env);
      return new ServiceProcess(builder.start(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a command that ends by itself (--help, a bad setting) and returns its exit code. */
  public static ServiceProcess runToEnd(Map<String, String> env, String... args) {
    ServiceProcess process = start(env, args);
    process.awaitExit(Duration.ofSeconds(60));
    return process;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /** Waits until {@code /healthcheck} answers 200; false if the process died or the deadline passed. */
  public boolean awaitServing(int httpPort, Duration deadline) {
    return Eventually.within(deadline, () -> !process.isAlive() || Http.status(httpPort, "/healthcheck") == 200)
        && process.isAlive();
  }

  /** The exit code, or throws when the process is still running at the deadline. */
  public int awaitExit(Duration deadline) {
    try {
      if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the service did not exit within " + deadline + "; output:\n" + output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, as Kubernetes stops a pod. */
  public void terminate() {
    process.destroy();
  }

  public String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // a temp file left behind is harmless
    }
  }
}
