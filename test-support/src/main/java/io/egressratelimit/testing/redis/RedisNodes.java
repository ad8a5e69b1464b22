package io.egressratelimit.testing.redis;

import io.egressratelimit.testing.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.testcontainers.DockerClientFactory;

/**
 * Starts Redis for tests: in containers where a Docker engine answers (Testcontainers), otherwise
 * as local redis-server processes. With neither, tests fail and say what to install; they are never
 * skipped, since a green run without Redis would prove nothing. {@code -Dredis.fixture=process} or
 * {@code =container} (or REDIS_FIXTURE) forces one.
 */
public final class RedisNodes {
  static final String NOTHING_TO_RUN_REDIS = "the Redis tests need a Docker engine (for Testcontainers) or a "
      + "redis-server binary, and this machine has neither: install redis-server (apt-get install -y "
      + "redis-server redis-tools, which ./setup.sh test does) or start Docker";

  private enum Backend { PROCESS, CONTAINER }

  private static Backend backend;

  private RedisNodes() {}

  /**
   * A standalone redis-server without persistence; {@code extraArgs} are redis-server flags. Another
   * process may take the free port before redis-server binds it: then it starts again on another.
   */
  public static RedisNode server(String... extraArgs) {
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      Path dir = newDir("redis-" + port);
      try {
        return start(port, dir, serverArgs(port, dir, extraArgs));
      } catch (IllegalStateException e) {
        if (attempt == 3 || !portWasTaken(dir)) {
          throw e;
        }
      }
    }
  }

  /** Whether redis-server said at start that its port was in use. */
  static boolean portWasTaken(Path dir) {
    try {
      Path log = dir.resolve("redis.log");
      return Files.exists(log) && Files.readString(log).contains("Address already in use");
    } catch (IOException e) {
      return false;
    }
  }

  public static List<String> serverArgs(int port, Path dir, String... extraArgs) {
    List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no"));
    args.addAll(List.of(extraArgs));
    return args;
  }

  /** A Sentinel; {@code config} holds its {@code sentinel ...} lines. Sentinel rewrites the file as it learns. */
  public static RedisNode sentinel(String config) {
    int port = freePort();
    Path dir = newDir("sentinel-" + port);
    Path file = dir.resolve("sentinel.conf");
    try {
      Files.writeString(file, config);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return start(port, dir, List.of(file.toString(), "--sentinel", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--dir", dir.toString(), "--protected-mode", "no"));
  }

  private static RedisNode start(int port, Path dir, List<String> args) {
    return backend() == Backend.CONTAINER
        ? RedisContainerNode.start(port, dir, args)
        : RedisServerProcess.start(port, dir, args);
  }

  private static synchronized Backend backend() {
    if (backend == null) {
      String forced = System.getProperty("redis.fixture", System.getenv().getOrDefault("REDIS_FIXTURE", ""))
          .toLowerCase(Locale.ROOT);
      if (forced.equals("process")) {
        backend = Backend.PROCESS;
      } else if (forced.equals("container") || DockerClientFactory.instance().isDockerAvailable()) {
        backend = Backend.CONTAINER;
      } else if (RedisServerProcess.binary().isPresent()) {
        backend = Backend.PROCESS;
      } else {
        throw new IllegalStateException(NOTHING_TO_RUN_REDIS);
      }
    }
    return backend;
  }

  /** A port free now on 127.0.0.1, never one handed out before in this JVM. */
  public static int freePort() {
    return FreePort.find();
  }

  /** A directory the node may write whichever user it runs as (a container's redis user included). */
  public static Path newDir(String name) {
    try {
      Path dir = Files.createTempDirectory(name + "-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void awaitPing(int port, BooleanSupplier alive, Path dir) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      String reply = RespClient.text(port, "PING");
      if (reply.equals("PONG") || reply.startsWith("-NOAUTH")) {
        return;
      }
      if (!alive.getAsBoolean()) {
        throw new IllegalStateException("redis on port " + port + " exited at start; see " + dir);
      }
      sleep(20);
    }
    throw new IllegalStateException("redis on port " + port + " did not answer PING within 15 s; see " + dir);
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
