package io.egressratelimit.http;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request, read whole, as the endpoints see it: no transport types.
 *
 * @param method the method, e.g. {@code GET}
 * @param path the path without the query
 * @param headers the headers that endpoints read, by lower-case name (the first value of each)
 * @param body the body; empty for none
 * @param peer the address the connection came from
 */
record Request(String method, String path, Map<String, String> headers, byte[] body, InetAddress peer) {
  Request {
    headers = Map.copyOf(headers);
  }

  Optional<String> header(String lowerCaseName) {
    return Optional.ofNullable(headers.get(lowerCaseName));
  }

  boolean isHead() {
    return "HEAD".equals(method);
  }
}
