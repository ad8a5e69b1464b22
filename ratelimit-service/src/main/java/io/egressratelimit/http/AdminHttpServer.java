package io.egressratelimit.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The admin HTTP endpoints, on their own port and with envoyproxy/ratelimit's paths:
 * {@code /healthcheck}, {@code /rlconfig}, {@code /json} and {@code /metrics}; and {@code /budgets}.
 */
public final class AdminHttpServer {
  private static final String INDEX = """
      /healthcheck  200 while serving; 503 while draining, or while the backend is down and the
                    failure policy is unavailable
      /rlconfig     the rules in force
      /json         POST a RateLimitRequest as JSON; 200 OK, 429 OVER_LIMIT
      /metrics      Prometheus metrics
      /budgets      every budget, live: JSON, or a page that charts it in a browser
      """;

  private static final String NOT_FOUND = "not found; see / for the endpoints\n";

  private AdminHttpServer() {}

  public static HttpListener start(String host, int port, AdminEndpoints endpoints) throws IOException {
    return HttpListener.start(new InetSocketAddress(host, port), 2, "admin-http", Map.of(
        "/", exact("/", exchange -> HttpResponses.text(exchange, 200, INDEX)),
        "/healthcheck", exact("/healthcheck", exchange -> healthcheck(exchange, endpoints)),
        "/rlconfig", readOnly("/rlconfig", HttpResponses.TEXT, endpoints.rules()),
        "/metrics", readOnly("/metrics", HttpResponses.PROMETHEUS, endpoints.metrics()),
        "/json", exact("/json", new JsonEndpoint(endpoints.rateLimit())),
        "/budgets", exact("/budgets", new BudgetsEndpoint(endpoints.budgets()))));
  }

  private static void healthcheck(HttpExchange exchange, AdminEndpoints endpoints) throws IOException {
    Optional<String> problem = endpoints.unhealthy().get();
    HttpResponses.text(exchange, problem.isEmpty() ? 200 : 503, problem.orElse("OK") + "\n");
  }

  private static HttpHandler readOnly(String path, String contentType, Supplier<String> body) {
    return exact(path, Routes.readOnly(path, contentType, body));
  }

  private static HttpHandler exact(String path, HttpHandler handler) {
    return Routes.exact(path, NOT_FOUND, handler);
  }
}
