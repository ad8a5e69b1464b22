package io.egressratelimit.testing.redis;

import java.nio.file.Path;

/**
 * One redis-server (or Sentinel) on 127.0.0.1, started by a test: a local process, or a container
 * on the host's network where a Docker engine exists. {@link RedisNodes} picks which.
 */
public interface RedisNode extends AutoCloseable {
  int port();

  /** Where its files live: logs, config, certificates a test put there. */
  Path dir();

  default String url() {
    return "redis://127.0.0.1:" + port();
  }

  /** Stops it at once without saving, as a crash would. */
  void kill();

  /** Starts it again on the same port with the same arguments; its data is gone. */
  void restart();

  /** Freezes it: connections stay open but nothing is answered, as with a hung server. */
  void pause();

  void resume();

  @Override
  void close();
}
