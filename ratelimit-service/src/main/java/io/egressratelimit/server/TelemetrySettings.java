package io.egressratelimit.server;

import java.util.Objects;
import java.util.Optional;

/**
 * Where metrics go besides the admin port's {@code /metrics}.
 *
 * @param prometheus envoyproxy/ratelimit's Prometheus listener; empty when {@code USE_PROMETHEUS} is off
 */
public record TelemetrySettings(Optional<PrometheusSettings> prometheus) {
  public static final TelemetrySettings NONE = new TelemetrySettings(Optional.empty());

  public TelemetrySettings {
    Objects.requireNonNull(prometheus, "prometheus");
  }
}
