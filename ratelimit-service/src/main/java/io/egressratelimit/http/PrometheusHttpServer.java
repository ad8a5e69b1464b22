package io.egressratelimit.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Prometheus scrape on a listener of its own, as envoyproxy/ratelimit serves it with
 * {@code USE_PROMETHEUS}: one path, nothing else, so a scrape config written for upstream works as is.
 */
public final class PrometheusHttpServer {
  private PrometheusHttpServer() {}

  public static HttpListener start(InetSocketAddress address, String path, Supplier<String> scrape)
      throws IOException {
    return HttpListener.start(address, "prometheus-http", new Routes(
        Map.of(path, Routes.readOnly(path, Response.PROMETHEUS, scrape)), "not found; metrics are at " + path + "\n"));
  }
}
