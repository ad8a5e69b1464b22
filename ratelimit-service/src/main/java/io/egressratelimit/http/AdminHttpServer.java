package io.egressratelimit.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The admin HTTP endpoints, on their own port and with envoyproxy/ratelimit's paths:
 * {@code /healthcheck}, {@code /rlconfig}, {@code /json} and {@code /metrics}; and {@code /budgets}.
 */
public final class AdminHttpServer implements AutoCloseable {
  private static final String INDEX = """
      /healthcheck  200 while serving; 503 while draining, or while the backend is down and the
                    failure policy is unavailable
      /rlconfig     the rules in force
      /json         POST a RateLimitRequest as JSON; 200 OK, 429 OVER_LIMIT
      /metrics      Prometheus metrics
      /budgets      every budget, live: JSON, or a page that charts it in a browser
      """;

  private final HttpServer server;
  private final ExecutorService executor;

  private AdminHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  public static AdminHttpServer start(String host, int port, AdminEndpoints endpoints) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.createContext("/", exact("/", exchange -> HttpResponses.text(exchange, 200, INDEX)));
    server.createContext("/healthcheck", exact("/healthcheck", exchange -> healthcheck(exchange, endpoints)));
    server.createContext("/rlconfig", readOnly("/rlconfig", HttpResponses.TEXT, endpoints.rules()));
    server.createContext("/metrics",
        readOnly("/metrics", "text/plain; version=0.0.4; charset=utf-8", endpoints.metrics()));
    server.createContext("/json", exact("/json", new JsonEndpoint(endpoints.rateLimit())));
    server.createContext("/budgets", exact("/budgets", new BudgetsEndpoint(endpoints.budgets())));
    ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "admin-http");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.start();
    return new AdminHttpServer(server, executor);
  }

  private static void healthcheck(HttpExchange exchange, AdminEndpoints endpoints) throws IOException {
    Optional<String> problem = endpoints.unhealthy().get();
    HttpResponses.text(exchange, problem.isEmpty() ? 200 : 503, problem.orElse("OK") + "\n");
  }

  private static HttpHandler readOnly(String path, String contentType, Supplier<String> body) {
    return exact(path, exchange -> {
      String method = exchange.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        HttpResponses.methodNotAllowed(exchange, "GET, HEAD", path + " only answers GET");
        return;
      }
      HttpResponses.send(exchange, 200, contentType, body.get());
    });
  }

  /** The JDK server matches contexts by prefix; the admin paths are exact. */
  private static HttpHandler exact(String path, HttpHandler handler) {
    return exchange -> {
      try (exchange) {
        if (exchange.getRequestURI().getPath().equals(path)) {
          handler.handle(exchange);
        } else {
          HttpResponses.text(exchange, 404, "not found; see / for the endpoints\n");
        }
      }
    };
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
