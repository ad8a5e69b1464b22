package io.egressratelimit.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes one whole response and closes the exchange. */
final class HttpResponses {
  static final String TEXT = "text/plain; charset=utf-8";
  static final String JSON = "application/json; charset=utf-8";
  static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  private HttpResponses() {}

  static void text(HttpExchange exchange, int status, String body) throws IOException {
    send(exchange, status, TEXT, body);
  }

  static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }

  /** 405 with the one method the endpoint takes. */
  static void methodNotAllowed(HttpExchange exchange, String allowed, String hint) throws IOException {
    exchange.getResponseHeaders().set("Allow", allowed);
    text(exchange, 405, hint + "\n");
  }
}
