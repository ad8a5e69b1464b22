package io.egressratelimit.settings;

import io.egressratelimit.metrics.StatsdSettings;
import io.egressratelimit.tracing.TracingSettings;
import java.util.Objects;
import java.util.Optional;

/**
 * Where metrics and traces go besides the admin port's {@code /metrics}.
 *
 * @param prometheus envoyproxy/ratelimit's Prometheus listener; empty when {@code USE_PROMETHEUS} is off
 * @param statsd where statsd or DogStatsD lines go; empty when neither is on
 * @param tracing where OpenTelemetry spans go; empty when {@code TRACING_ENABLED} is off
 */
public record TelemetrySettings(Optional<PrometheusSettings> prometheus, Optional<StatsdSettings> statsd,
    Optional<TracingSettings> tracing) {
  public static final TelemetrySettings NONE =
      new TelemetrySettings(Optional.empty(), Optional.empty(), Optional.empty());

  public TelemetrySettings {
    Objects.requireNonNull(prometheus, "prometheus");
    Objects.requireNonNull(statsd, "statsd");
    Objects.requireNonNull(tracing, "tracing");
  }

  public TelemetrySettings withTracing(TracingSettings value) {
    return new TelemetrySettings(prometheus, statsd, Optional.of(value));
  }
}
