package io.egressratelimit.server;

import io.egressratelimit.metrics.StatsdSettings;
import java.util.Objects;
import java.util.Optional;

/**
 * Where metrics and traces go besides the admin port's {@code /metrics}.
 *
 * @param prometheus envoyproxy/ratelimit's Prometheus listener; empty when {@code USE_PROMETHEUS} is off
 * @param statsd where statsd or DogStatsD lines go; empty when neither is on
 */
public record TelemetrySettings(Optional<PrometheusSettings> prometheus, Optional<StatsdSettings> statsd) {
  public static final TelemetrySettings NONE = new TelemetrySettings(Optional.empty(), Optional.empty());

  public TelemetrySettings {
    Objects.requireNonNull(prometheus, "prometheus");
    Objects.requireNonNull(statsd, "statsd");
  }

  public TelemetrySettings withStatsd(StatsdSettings value) {
    return new TelemetrySettings(prometheus, Optional.of(value));
  }
}
