package io.egressratelimit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A process a test starts, with its stdout and stderr in one log file, that it always stops. A
 * failure to come up says which process, how it ended and what it wrote.
 */
public final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * @param env when present, the whole environment besides PATH (so the developer's own variables
   *     cannot leak in); when empty, this JVM's environment is inherited
   * @param log where its output goes; appended to, so a restarted process keeps one log
   */
  public static ChildProcess start(String name, List<String> command, Optional<Map<String, String>> env, Path log) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    env.ifPresent(only -> {
      builder.environment().clear();
      builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      builder.environment().putAll(only);
    });
    try {
      return new ChildProcess(name, builder.start(), log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
    }
  }

  /** Polls {@code ready} until it holds; fails with the process's output if it dies first or takes too long. */
  public void awaitReady(String what, Duration timeout, BooleanSupplier ready) {
    Eventually.within(timeout, () -> !process.isAlive() || ready.getAsBoolean());
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + " before " + what
          + "; its output:\n" + output());
    }
    if (!ready.getAsBoolean()) {
      throw new IllegalStateException(name + " was not " + what + " within " + timeout + "; its output:\n" + output());
    }
  }

  /** Waits until the process accepts connections on {@code port}. */
  public void awaitListening(int port, Duration timeout) {
    awaitReady("listening on " + port, timeout, () -> accepts(port));
  }

  /** The exit code; fails with the output when the process is still running at the deadline. */
  public int awaitExit(Duration deadline) {
    try {
      if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(name + " did not exit within " + deadline + "; its output:\n" + output());
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

  public long pid() {
    return process.pid();
  }

  /** SIGSTOP: the process hangs with its sockets open. */
  public void pause() {
    Signals.pause(process.pid());
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    Signals.resume(process.pid());
  }

  /** SIGTERM, as Kubernetes stops a pod: the process may drain before it exits. */
  public void terminate() {
    process.destroy();
  }

  /** Everything it has written so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path log() {
    return log;
  }

  /** Kills it at once (a test that wants a graceful stop calls {@link #terminate()} first) and waits. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }
}
