package io.egressratelimit.testing.redis;

import io.egressratelimit.testing.Signals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server process on this machine. Tests of other packages may start one directly; the
 * Redis tests go through {@link RedisNodes}, which prefers a container where Docker answers.
 */
public final class RedisServerProcess extends LaunchedNode {
  private Process process;

  private RedisServerProcess(int port, Path dir, List<String> args) {
    super(port, dir, args);
  }

  /**
   * A standalone redis-server without persistence on a free port; {@code extraArgs} are redis-server
   * flags. Another process may take the free port before redis-server binds it: then it starts again
   * on another.
   */
  public static RedisServerProcess start(String... extraArgs) {
    for (int attempt = 1; ; attempt++) {
      int port = RedisNodes.freePort();
      Path dir = RedisNodes.newDir("redis-" + port);
      try {
        return start(port, dir, RedisNodes.serverArgs(port, dir, extraArgs));
      } catch (IllegalStateException e) {
        if (attempt == 3 || !RedisNodes.portWasTaken(dir)) {
          throw e;
        }
      }
    }
  }

  /**
   * A redis-server whose port is chosen now but which is not running yet: {@link #restart()} starts
   * it. For a service that must start before its Redis.
   */
  public static RedisServerProcess notStartedYet(String... extraArgs) {
    int port = RedisNodes.freePort();
    Path dir = RedisNodes.newDir("redis-" + port);
    return new RedisServerProcess(port, dir, RedisNodes.serverArgs(port, dir, extraArgs));
  }

  /** Starts {@code redis-server args...} and waits until it answers PING on {@code port}. */
  public static RedisServerProcess start(int port, Path dir, List<String> args) {
    RedisServerProcess redis = new RedisServerProcess(port, dir, args);
    redis.launch();
    return redis;
  }

  /** The redis-server binary on the PATH or in the usual places, if there is one. */
  public static Optional<String> binary() {
    List<Path> candidates = new ArrayList<>();
    for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!entry.isEmpty()) {
        candidates.add(Path.of(entry, "redis-server"));
      }
    }
    candidates.add(Path.of("/usr/bin/redis-server"));
    candidates.add(Path.of("/usr/local/bin/redis-server"));
    return candidates.stream().filter(Files::isExecutable).map(Path::toString).findFirst();
  }

  @Override
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** Sends one inline command and returns the first line of the reply, e.g. {@code +OK}. */
  public String command(String inline) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      return "-" + e.getMessage();
    }
  }

  @Override
  public void pause() {
    Signals.pause(process.pid());
  }

  @Override
  public void resume() {
    Signals.resume(process.pid());
  }

  @Override
  void launch() {
    List<String> command = new ArrayList<>();
    command.add(binary().orElseThrow(() -> new IllegalStateException(RedisNodes.NOTHING_TO_RUN_REDIS)));
    command.addAll(args);
    try {
      process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
    RedisNodes.awaitPing(port, () -> process.isAlive(), dir);
  }
}
