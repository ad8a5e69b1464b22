package io.egressratelimit.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A JDK HTTP server on daemon threads of its own, which close stops together: the admin port and
 * the Prometheus listener are each one.
 */
public final class HttpListener implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;

  private HttpListener(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  static HttpListener start(InetSocketAddress address, int threads, String threadName,
      Map<String, HttpHandler> contexts) throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    contexts.forEach(server::createContext);
    ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
      Thread thread = new Thread(runnable, threadName);
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.start();
    return new HttpListener(server, executor);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
