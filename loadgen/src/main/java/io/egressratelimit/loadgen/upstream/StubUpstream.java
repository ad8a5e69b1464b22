package io.egressratelimit.loadgen.upstream;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.egressratelimit.loadgen.traffic.HttpCaller;
import io.egressratelimit.loadgen.traffic.LatLng;
import io.egressratelimit.loadgen.units.Durations;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for the Geocoding API that counts what reaches it. Every request on the geocode path
 * is timed on arrival, valid or not: whatever got this far was let through by the limiter, and the
 * verdict is taken from these times.
 *
 * <ul>
 *   <li>{@code GET /maps/api/geocode/json?latlng=..&key=..}: a reverse-geocoding answer;
 *   <li>{@code GET /stats?window=10s[&grace=100ms][&since=EPOCH_MS]}: {@link UpstreamStats};
 *   <li>{@code GET /healthz}: 200 once listening.
 * </ul>
 *
 * <p>Started with a {@link UsageCost}, it stands in for a usage-priced API instead: every other
 * path answers 200 with the call's cost, drawn from that distribution, in {@code x-usage-tokens}
 * (and in the body, as LLM APIs report usage), and {@code /stats} adds the cost served:
 * {@code totalCost}, {@code maxCostInWindow} and {@code maxCost} (the largest single call).
 *
 * <p>Nothing about a request is logged: its URI carries the caller's API key.
 */
public final class StubUpstream implements AutoCloseable {
  private static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
  /**
   * Found addresses may be cached, so a response cache in front (Envoy's cache filter) can answer
   * repeated lookups without spending budget; refusals never are.
   */
  private static final String CACHEABLE = "public, max-age=300";
  private static final String NOT_CACHEABLE = "no-store";

  private final HttpServer server;
  private final ExecutorService executor;
  private final ArrivalLog arrivals;
  private final Optional<UsageCost> usage;

  private StubUpstream(HttpServer server, ExecutorService executor, ArrivalLog arrivals, Optional<UsageCost> usage) {
    this.server = server;
    this.executor = executor;
    this.arrivals = arrivals;
    this.usage = usage;
  }

  /**
   * @param port 0 for any free port
   */
  public static StubUpstream start(String bindAddress, int port, int threads) throws IOException {
    return start(bindAddress, port, threads, Optional.empty());
  }

  /**
   * @param usage when present, a usage-priced API whose calls cost what this draws
   */
  public static StubUpstream start(String bindAddress, int port, int threads, Optional<UsageCost> usage)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 128);
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    StubUpstream stub = new StubUpstream(server, executor, ArrivalLog.systemClock(), usage);
    server.createContext("/", stub::handle);
    server.setExecutor(executor);
    server.start();
    return stub;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public ArrivalLog arrivals() {
    return arrivals;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      boolean own = "/stats".equals(path) || "/healthz".equals(path);
      if (usage.isPresent() && !own) {
        exchange.getRequestBody().readAllBytes();
        usedTokens(exchange, usage.get().draw());
      } else if (!"GET".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, error("only GET is served"));
      } else if (HttpCaller.GEOCODE_PATH.equals(path)) {
        arrivals.recordNow();
        geocode(exchange);
      } else if ("/stats".equals(path)) {
        stats(exchange);
      } else if ("/healthz".equals(path)) {
        respond(exchange, 200, "{\"status\":\"ok\"}");
      } else {
        respond(exchange, 404, error("no such path; try " + HttpCaller.GEOCODE_PATH + ", /stats or /healthz"));
      }
    }
  }

  private void geocode(HttpExchange exchange) throws IOException {
    QueryParams params = new QueryParams(exchange.getRequestURI());
    Optional<LatLng> at = params.get("latlng").flatMap(LatLng::parse);
    if (at.isEmpty()) {
      respond(exchange, 400, GeocodeResponses.invalidLatLng());
    } else if (params.get("key").filter(k -> !k.isBlank()).isEmpty()) {
      respond(exchange, 200, GeocodeResponses.missingKey());
    } else {
      exchange.getResponseHeaders().set("Cache-Control", CACHEABLE);
      respond(exchange, 200, GeocodeResponses.found(at.get()));
    }
  }

  /** A usage-priced call: served now at this cost, reported the way the gateway reads it. */
  private void usedTokens(HttpExchange exchange, long tokens) throws IOException {
    arrivals.recordNow(tokens);
    exchange.getResponseHeaders().set(UsageCost.HEADER, Long.toString(tokens));
    JsonObject totals = new JsonObject();
    totals.addProperty("total_tokens", tokens);
    JsonObject body = new JsonObject();
    body.add("usage", totals);
    respond(exchange, 200, body.toString());
  }

  private void stats(HttpExchange exchange) throws IOException {
    QueryParams params = new QueryParams(exchange.getRequestURI());
    String json;
    try {
      Duration window = params.get("window").map(v -> positive("window", v)).orElse(DEFAULT_WINDOW);
      Duration grace = params.get("grace").map(Durations::parse).orElse(Duration.ZERO);
      long since = params.get("since").map(StubUpstream::epochMillis).orElse(0L);
      UpstreamStats calls = arrivals.stats(window, grace, since);
      if (usage.isPresent()) {
        ArrivalLog.CostStats cost = arrivals.costStats(window, grace, since);
        calls = new UpstreamStats(calls.total(), calls.maxInWindow(), calls.window(), calls.grace(),
            Optional.of(new UpstreamStats.ServedCost(cost.total(), cost.maxInWindow(), cost.maxCall(),
                cost.perSecondFromEpochMillis(), cost.perSecond())));
      }
      json = calls.toJson();
    } catch (IllegalArgumentException e) {
      respond(exchange, 400, error(e.getMessage()));
      return;
    }
    respond(exchange, 200, json);
  }

  private static Duration positive(String name, String text) {
    Duration d = Durations.parse(text);
    if (d.isZero()) {
      throw new IllegalArgumentException(name + " must be longer than zero");
    }
    return d;
  }

  private static long epochMillis(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("since must be a Unix time in milliseconds, was '" + text + "'");
    }
  }

  private static String error(String message) {
    JsonObject body = new JsonObject();
    body.addProperty("error", message);
    return body.toString();
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.getResponseHeaders().putIfAbsent("Cache-Control", List.of(NOT_CACHEABLE));
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
