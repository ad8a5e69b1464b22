package io.egressratelimit.loadgen.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A process the test starts, logs to a file and always stops. */
final class ChildProcess implements AutoCloseable {
  private static final long READY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ChildProcess start(String name, List<String> command, Path logDir) throws IOException {
    Path log = logDir.resolve(name + ".log");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new ChildProcess(name, process, log);
  }

  /** Polls {@code ready} until it holds; fails with the process's log if it dies or takes too long. */
  void awaitReady(BooleanSupplier ready) throws IOException, InterruptedException {
    long end = System.nanoTime() + READY_TIMEOUT_NANOS;
    while (!ready.getAsBoolean()) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException(name + " was not ready after 60s:\n" + Files.readString(log));
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
