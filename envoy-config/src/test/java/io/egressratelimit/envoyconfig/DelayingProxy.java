package io.egressratelimit.envoyconfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 that holds every chunk for a set delay before passing it on, and whose
 * target can change: a rate limit service that answers slowly, or one that comes back on a new port.
 */
final class DelayingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile int targetPort;
  private volatile long delayMillis;

  DelayingProxy(int targetPort) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    Thread acceptor = new Thread(this::acceptLoop, "delaying-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  void delay(long millis) {
    delayMillis = millis;
  }

  /** Later connections go here; the open ones are cut, as when a pod is replaced. */
  void retarget(int port) {
    targetPort = port;
    closeOpen();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket target;
        try {
          target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (IOException refused) {
          client.close(); // nothing listens there: the caller sees the connection closed
          continue;
        }
        open.add(client);
        open.add(target);
        pump(client, target);
        pump(target, client);
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
          long delay = delayMillis;
          if (delay > 0) {
            Thread.sleep(delay);
          }
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException | InterruptedException ended) {
        // either side closed
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "delaying-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private void closeOpen() {
    open.forEach(DelayingProxy::closeQuietly);
    open.clear();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    closeOpen();
  }
}
