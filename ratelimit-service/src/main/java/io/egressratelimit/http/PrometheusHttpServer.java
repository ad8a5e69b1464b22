package io.egressratelimit.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The Prometheus scrape on a listener of its own, as envoyproxy/ratelimit serves it with
 * {@code USE_PROMETHEUS}: one path, nothing else, so a scrape config written for upstream works as is.
 */
public final class PrometheusHttpServer implements AutoCloseable {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private PrometheusHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static PrometheusHttpServer start(InetSocketAddress address, String path, Supplier<String> scrape)
      throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    server.createContext("/", exchange -> {
      try (exchange) {
        if (!exchange.getRequestURI().getPath().equals(path)) {
          HttpResponses.text(exchange, 404, "not found; metrics are at " + path + "\n");
        } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
          HttpResponses.methodNotAllowed(exchange, "GET, HEAD", path + " only answers GET");
        } else {
          HttpResponses.send(exchange, 200, CONTENT_TYPE, scrape.get());
        }
      }
    });
    ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "prometheus-http");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.start();
    return new PrometheusHttpServer(server, executor);
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
