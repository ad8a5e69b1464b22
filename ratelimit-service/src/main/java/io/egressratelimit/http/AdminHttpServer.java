package io.egressratelimit.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

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

  /** @param json who may call {@code /json}, which spends budget */
  public static HttpListener start(String host, int port, AdminEndpoints endpoints, JsonAccess json)
      throws IOException {
    return HttpListener.start(new InetSocketAddress(host, port), "admin-http", new Routes(Map.of(
        "/", Routes.immediate(request -> Response.text(200, INDEX)),
        // On the I/O thread: a health check never waits behind a scrape or a /json call.
        "/healthcheck", Routes.immediate(request -> healthcheck(endpoints)),
        "/rlconfig", Routes.readOnly("/rlconfig", Response.TEXT, endpoints.rules()),
        "/metrics", Routes.readOnly("/metrics", Response.PROMETHEUS, endpoints.metrics()),
        "/json", Routes.onWorker(new JsonEndpoint(endpoints.rateLimit(), json)),
        "/budgets", Routes.onWorker(new BudgetsEndpoint(endpoints.budgets(), endpoints.quotaBudgets()))), NOT_FOUND));
  }

  private static Response healthcheck(AdminEndpoints endpoints) {
    Optional<String> problem = endpoints.unhealthy().get();
    return Response.text(problem.isEmpty() ? 200 : 503, problem.orElse("OK") + "\n");
  }
}
