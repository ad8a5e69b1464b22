package io.egressratelimit.testing.redis;

import java.nio.file.Path;
import java.util.List;

/** A node started from a port, a directory and redis-server arguments, which it can start again the same way. */
abstract class LaunchedNode implements RedisNode {
  protected final int port;
  protected final Path dir;
  protected final List<String> args;

  LaunchedNode(int port, Path dir, List<String> args) {
    this.port = port;
    this.dir = dir;
    this.args = List.copyOf(args);
  }

  /** Starts {@code redis-server args...} and returns once it answers on the port. */
  abstract void launch();

  @Override
  public int port() {
    return port;
  }

  @Override
  public Path dir() {
    return dir;
  }

  @Override
  public void restart() {
    kill();
    launch();
  }

  @Override
  public void close() {
    kill();
  }
}
