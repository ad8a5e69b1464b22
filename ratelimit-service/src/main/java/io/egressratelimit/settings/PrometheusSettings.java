package io.egressratelimit.settings;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * envoyproxy/ratelimit's own Prometheus listener ({@code USE_PROMETHEUS}): an address and one path.
 *
 * @param address where to listen; {@code :9090} (upstream's default) binds every interface
 * @param path the scrape path, {@code /metrics} by default
 */
public record PrometheusSettings(InetSocketAddress address, String path) {
  public PrometheusSettings {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(path, "path");
  }

  /** Parses {@code host:port}, {@code :port} or {@code [v6]:port}, as Go's listener takes them. */
  static InetSocketAddress parseAddress(String setting, String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new SettingsException(setting + " must be host:port or :port, got '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new SettingsException(setting + " has no port number in '" + text + "'");
    }
    SettingChecks.port(setting, port);
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }
}
