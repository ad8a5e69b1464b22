package io.egressratelimit.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One whole HTTP response: the status, its content type, extra headers and the body. Every
 * response also says {@code Cache-Control: no-store}: nothing here may be served stale.
 */
record Response(int status, String contentType, Map<String, String> headers, byte[] body) {
  static final String TEXT = "text/plain; charset=utf-8";
  static final String JSON = "application/json; charset=utf-8";
  static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  Response {
    headers = Map.copyOf(headers);
  }

  static Response of(int status, String contentType, String body) {
    return new Response(status, contentType, Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  /** One line of text; {@code line} ends with a newline. */
  static Response text(int status, String line) {
    return of(status, TEXT, line);
  }

  /** 405 with the methods the endpoint takes. */
  static Response methodNotAllowed(String allowed, String hint) {
    return text(405, hint + "\n").withHeader("Allow", allowed);
  }

  Response withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new Response(status, contentType, more, body);
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
