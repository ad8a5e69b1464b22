package io.egressratelimit.http;

import com.sun.net.httpserver.HttpHandler;
import java.util.function.Supplier;

/** The handler shapes both listeners share. */
final class Routes {
  private Routes() {}

  /**
   * The JDK server matches contexts by prefix; our paths are exact, anything longer is a 404 with
   * {@code notFound} as its text. Closes every exchange.
   */
  static HttpHandler exact(String path, String notFound, HttpHandler handler) {
    return exchange -> {
      try (exchange) {
        if (exchange.getRequestURI().getPath().equals(path)) {
          handler.handle(exchange);
        } else {
          HttpResponses.text(exchange, 404, notFound);
        }
      }
    };
  }

  /** A body rendered on each GET (or HEAD); any other method is a 405. */
  static HttpHandler readOnly(String path, String contentType, Supplier<String> body) {
    return exchange -> {
      String method = exchange.getRequestMethod();
      if (!"GET".equals(method) && !"HEAD".equals(method)) {
        HttpResponses.methodNotAllowed(exchange, "GET, HEAD", path + " only answers GET");
        return;
      }
      HttpResponses.send(exchange, 200, contentType, body.get());
    };
  }
}
