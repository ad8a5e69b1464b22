package io.egressratelimit.settings;

import java.util.Optional;
import picocli.CommandLine.Help;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** envoyproxy/ratelimit's stats settings, with its names and defaults. */
public final class TelemetryOptions {
  @Option(names = "--use-prometheus", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:USE_PROMETHEUS:-false}",
      description = "Also serve the Prometheus scrape on a listener of its own, as envoyproxy/ratelimit does "
          + "(the admin port's /metrics serves it either way). Env: USE_PROMETHEUS.")
  boolean usePrometheus;

  @Option(names = "--prometheus-addr", defaultValue = "${env:PROMETHEUS_ADDR:-:9090}", paramLabel = "HOST:PORT",
      description = "Address of that listener; :9090 listens on every interface. Env: PROMETHEUS_ADDR.")
  String prometheusAddr;

  @Option(names = "--prometheus-path", defaultValue = "${env:PROMETHEUS_PATH:-/metrics}", paramLabel = "PATH",
      description = "Its scrape path. Env: PROMETHEUS_PATH.")
  String prometheusPath;

  @Option(names = "--metric-value-keys", defaultValue = "${env:METRIC_VALUE_KEYS:-1000}", paramLabel = "N",
      description = "Metric keys carrying descriptor values (detailed_metric, value_to_metric, limits sent by Envoy) "
          + "counted apart, at most; later values count under their rule's key, so a million users never make a "
          + "million series. Env: METRIC_VALUE_KEYS.")
  int metricValueKeys;

  @Mixin
  StatsdOptions statsd;

  @Mixin
  TracingOptions tracing;

  void registerSecrets() {
    tracing.registerSecrets();
  }

  TelemetrySettings toSettings() {
    if (metricValueKeys < 0) {
      throw new SettingsException("--metric-value-keys (METRIC_VALUE_KEYS) must not be negative, got " + metricValueKeys);
    }
    return new TelemetrySettings(prometheus(), statsd.toSettings(), tracing.toSettings(), metricValueKeys);
  }

  private Optional<PrometheusSettings> prometheus() {
    if (!usePrometheus) {
      return Optional.empty();
    }
    if (!prometheusPath.startsWith("/")) {
      throw new SettingsException("--prometheus-path (PROMETHEUS_PATH) must start with /, got '"
          + prometheusPath + "'");
    }
    return Optional.of(new PrometheusSettings(
        PrometheusSettings.parseAddress("--prometheus-addr (PROMETHEUS_ADDR)", prometheusAddr.trim()),
        prometheusPath));
  }
}
