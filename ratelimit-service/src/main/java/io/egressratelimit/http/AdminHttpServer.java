package io.egressratelimit.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/** The admin HTTP endpoints, on their own port as in envoyproxy/ratelimit. */
public final class AdminHttpServer implements AutoCloseable {
  private final HttpServer server;

  private AdminHttpServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Starts the server.
   *
   * @param serving whether {@code /healthcheck} answers 200 (serving) or 503 (draining)
   */
  public static AdminHttpServer start(String host, int port, BooleanSupplier serving) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.createContext("/healthcheck", exchange -> {
      boolean ok = serving.getAsBoolean();
      respond(exchange, ok ? 200 : 503, ok ? "OK\n" : "draining\n");
    });
    server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "admin-http");
      thread.setDaemon(true);
      return thread;
    }));
    server.start();
    return new AdminHttpServer(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
