package io.egressratelimit.loadgen.rls;

/** One rate limit service replica, {@code host:port} ({@code [::1]:8081} for IPv6). */
public record RlsTarget(String host, int port) {

  /**
   * @throws IllegalArgumentException naming the text when it is not {@code host:port}
   */
  public static RlsTarget parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    int colon = trimmed.lastIndexOf(':');
    if (colon <= 0 || colon == trimmed.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not HOST:PORT, e.g. 127.0.0.1:8081");
    }
    String host = trimmed.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(trimmed.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65_535 || host.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' is not HOST:PORT with a port from 1 to 65535");
    }
    return new RlsTarget(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
