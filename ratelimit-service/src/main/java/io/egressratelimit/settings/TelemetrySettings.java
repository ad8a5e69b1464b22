package io.egressratelimit.settings;

import io.egressratelimit.metrics.DecisionMetrics;
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
 * @param metricValueKeys metric keys carrying descriptor values that count apart, at most
 *     ({@code METRIC_VALUE_KEYS}); later values count under their rule's key
 */
public record TelemetrySettings(Optional<PrometheusSettings> prometheus, Optional<StatsdSettings> statsd,
    Optional<TracingSettings> tracing, int metricValueKeys) {
  public static final TelemetrySettings NONE =
      new TelemetrySettings(Optional.empty(), Optional.empty(), Optional.empty(), DecisionMetrics.DEFAULT_VALUE_KEYS);

  public TelemetrySettings {
    Objects.requireNonNull(prometheus, "prometheus");
    Objects.requireNonNull(statsd, "statsd");
    Objects.requireNonNull(tracing, "tracing");
    if (metricValueKeys < 0) {
      throw new IllegalArgumentException("metricValueKeys must not be negative");
    }
  }

  public TelemetrySettings withTracing(TracingSettings value) {
    return new TelemetrySettings(prometheus, statsd, Optional.of(value), metricValueKeys);
  }

  public TelemetrySettings withMetricValueKeys(int keys) {
    return new TelemetrySettings(prometheus, statsd, tracing, keys);
  }
}
