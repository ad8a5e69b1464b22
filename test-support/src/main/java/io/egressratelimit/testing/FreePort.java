package io.egressratelimit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A port nothing listens on right now, for a child process that must be told its port. The OS may
 * hand the same free port to two calls in a row (nothing is bound to it in between), so a port is
 * handed out at most once per JVM: a test that asks for two ports gets two. Another process can
 * still take the port before the child binds it; where a child can bind port 0 and say which port it
 * got, prefer that ({@link ServiceProcess} does), and launchers retry on a port already in use
 * ({@link io.egressratelimit.testing.redis.RedisNodes} does).
 */
public final class FreePort {
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePort() {}

  public static int find() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = bindAndRelease();
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port on 127.0.0.1 that this JVM has not handed out already");
  }

  private static int bindAndRelease() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
