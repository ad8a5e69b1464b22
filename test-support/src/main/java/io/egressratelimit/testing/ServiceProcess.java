package io.egressratelimit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rate limit service as a real child process, with its stdout and stderr in one log file. From
 * this module's view it is a command line and a log, never classes: a test starts it from the test
 * classpath ({@link #start}) or from its packaged jar, as a user would ({@link #fromJarOnFreePorts}).
 */
public final class ServiceProcess implements AutoCloseable {
  private static final String MAIN_CLASS = "io.egressratelimit.server.Main";
  /** The client compiler alone reaches its speed in far less CPU than C2, which a test machine is short of. */
  private static final List<String> QUICK_START_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
  /** The start-up line that says where it listens: {@code serving gRPC on 127.0.0.1:PORT and HTTP on 127.0.0.1:PORT}. */
  private static final Pattern LISTENING =
      Pattern.compile("serving gRPC(?: over TLS)? on [^ ]*:(\\d+) and HTTP on [^ ]*:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final String JAR_PROPERTY = "ratelimit.service.jar";

  private final ChildProcess process;
  private final boolean deleteLog;
  private int grpcPort = -1;
  private int httpPort = -1;

  private ServiceProcess(ChildProcess process, boolean deleteLog) {
    this.process = process;
    this.deleteLog = deleteLog;
  }

  /**
   * {@code java -cp <test classpath> io.egressratelimit.server.Main args...} with a clean environment:
   * only what the test passes, so the developer's own variables cannot leak in.
   */
  public static ServiceProcess start(Map<String, String> env, String... args) {
    List<String> command = JavaCommand.mainClass(QUICK_START_JVM, MAIN_CLASS, List.of(args));
    return new ServiceProcess(ChildProcess.start("ratelimit-service", command, Optional.of(env), tempLog()), true);
  }

  /** Runs a command that ends by itself (--help, a bad setting); read its exit code with {@link #awaitExit}. */
  public static ServiceProcess runToEnd(Map<String, String> env, String... args) {
    ServiceProcess process = start(env, args);
    process.awaitExit(START_TIMEOUT);
    return process;
  }

  /**
   * From the packaged jar on ports it picks itself (port 0; no port can be taken in between), its log
   * kept in {@code logDir}; returns once it is healthy.
   *
   * @param jvmFlags flags of the service's JVM
   * @param args its flags besides the host and the ports
   */
  public static ServiceProcess fromJarOnFreePorts(String name, Path jar, Path logDir, List<String> jvmFlags,
      String... args) {
    return startHealthy(name, JavaCommand.jar(jvmFlags, jar, onPortZero(args)), Optional.empty(), logDir);
  }

  /**
   * {@link #fromJarOnFreePorts} from the jar the build names in the system property
   * {@code ratelimit.service.jar} (set by a module's failsafe configuration).
   */
  public static ServiceProcess fromPackagedJarOnFreePorts(String name, Path logDir, List<String> jvmFlags,
      String... args) {
    String jar = System.getProperty(JAR_PROPERTY);
    if (jar == null) {
      throw new IllegalStateException(JAR_PROPERTY + " is not set: run this test through Maven (mvn verify)");
    }
    return fromJarOnFreePorts(name, Path.of(jar), logDir, jvmFlags, args);
  }

  /** Like {@link #fromJarOnFreePorts}, from the test classpath and with a clean environment. */
  public static ServiceProcess onFreePorts(String name, Path logDir, Map<String, String> env, String... args) {
    return startHealthy(name, JavaCommand.mainClass(QUICK_START_JVM, MAIN_CLASS, onPortZero(args)), Optional.of(env),
        logDir);
  }

  /**
   * Like {@link #onFreePorts}, on ports a replica had before: the same replica back after a restart,
   * where its clients (an Envoy's cluster) still look for it.
   */
  public static ServiceProcess onPorts(String name, Path logDir, Map<String, String> env, int grpcPort, int httpPort,
      String... args) {
    List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--grpc-port", Integer.toString(grpcPort),
        "--http-port", Integer.toString(httpPort)));
    all.addAll(List.of(args));
    return startHealthy(name, JavaCommand.mainClass(QUICK_START_JVM, MAIN_CLASS, all), Optional.of(env), logDir);
  }

  private static List<String> onPortZero(String... args) {
    List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--grpc-port", "0", "--http-port", "0"));
    all.addAll(List.of(args));
    return all;
  }

  private static ServiceProcess startHealthy(String name, List<String> command, Optional<Map<String, String>> env,
      Path logDir) {
    ServiceProcess service =
        new ServiceProcess(ChildProcess.start(name, command, env, logDir.resolve(name + ".log")), false);
    try {
      service.awaitHealthy();
    } catch (IllegalStateException e) {
      service.close();
      throw e;
    }
    return service;
  }

  private void awaitHealthy() {
    process.awaitReady("listening", START_TIMEOUT, this::readPorts);
    process.awaitReady("healthy", START_TIMEOUT, () -> Http.status(httpPort, "/healthcheck") == 200);
  }

  private boolean readPorts() {
    Matcher listening = LISTENING.matcher(process.output());
    if (!listening.find()) {
      return false;
    }
    grpcPort = Integer.parseInt(listening.group(1));
    httpPort = Integer.parseInt(listening.group(2));
    return true;
  }

  /** The gRPC port of a service started on free ports. */
  public int grpcPort() {
    requirePorts();
    return grpcPort;
  }

  /** The admin HTTP port of a service started on free ports. */
  public int httpPort() {
    requirePorts();
    return httpPort;
  }

  /** {@code 127.0.0.1:GRPC_PORT}. */
  public String grpcTarget() {
    return "127.0.0.1:" + grpcPort();
  }

  private void requirePorts() {
    if (grpcPort < 0) {
      throw new IllegalStateException("the test chose this service's ports; it was not started on free ports");
    }
  }

  /** Waits until {@code /healthcheck} answers 200; false if the process died or the deadline passed. */
  public boolean awaitServing(int httpPort, Duration deadline) {
    return Eventually.within(deadline, () -> !process.isAlive() || Http.status(httpPort, "/healthcheck") == 200)
        && process.isAlive();
  }

  /** The exit code, or throws when the process is still running at the deadline. */
  public int awaitExit(Duration deadline) {
    return process.awaitExit(deadline);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGSTOP: a replica that hangs with its connections open. */
  public void pause() {
    process.pause();
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    process.resume();
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM, as Kubernetes stops a pod. */
  public void terminate() {
    process.terminate();
  }

  public String output() {
    return process.output();
  }

  @Override
  public void close() {
    process.close();
    if (deleteLog) {
      try {
        Files.deleteIfExists(process.log());
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }

  private static Path tempLog() {
    try {
      return Files.createTempFile("ratelimit-service", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
