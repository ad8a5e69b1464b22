package io.egressratelimit.envoyconfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class of this build run as its own process, from the test classpath, with its output in
 * a log file under target/ (it is part of the failure message when the process does not come up).
 */
final class JavaMainProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private JavaMainProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static JavaMainProcess start(String name, String mainClass, List<String> args) throws IOException {
    Path logDir = EnvoyFiles.moduleDir().resolve("target/it-logs");
    Files.createDirectories(logDir);
    Path log = logDir.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    return new JavaMainProcess(name, process, log);
  }

  /** Waits until the process accepts connections on {@code port}, or fails saying why it did not. */
  void awaitListening(int port, Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " before listening on "
            + port + "; its output:\n" + Files.readString(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(name + " did not listen on " + port + " within " + timeout
        + "; its output:\n" + Files.readString(log));
  }

  /** Asks the process to stop (it drains), and kills it if it has not within ten seconds. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
