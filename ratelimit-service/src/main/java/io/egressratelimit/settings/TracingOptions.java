package io.egressratelimit.settings;

import io.egressratelimit.logging.Redaction;
import io.egressratelimit.tracing.TracingSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;

/**
 * envoyproxy/ratelimit's {@code TRACING_*} settings, and the standard OpenTelemetry exporter
 * variables it honours, read here rather than by the SDK so that every setting is read once.
 */
public final class TracingOptions {
  @Option(names = "--tracing-enabled", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:TRACING_ENABLED:-false}",
      description = "Send OpenTelemetry traces of every ShouldRateLimit call and its store round trip over OTLP. "
          + "Env: TRACING_ENABLED.")
  boolean enabled;

  @Option(names = "--tracing-service-name", defaultValue = "${env:TRACING_SERVICE_NAME:-RateLimit}",
      paramLabel = "NAME", description = "The traces' service.name. Env: TRACING_SERVICE_NAME.")
  String serviceName;

  @Option(names = "--tracing-service-namespace", defaultValue = "${env:TRACING_SERVICE_NAMESPACE:-}",
      paramLabel = "NAMESPACE", description = "Their service.namespace. Env: TRACING_SERVICE_NAMESPACE.")
  String serviceNamespace;

  @Option(names = "--tracing-service-instance-id", defaultValue = "${env:TRACING_SERVICE_INSTANCE_ID:-}",
      paramLabel = "ID", description = "Their service.instance.id, e.g. the pod name. Env: TRACING_SERVICE_INSTANCE_ID.")
  String serviceInstanceId;

  @Option(names = "--tracing-sampling-rate", defaultValue = "${env:TRACING_SAMPLING_RATE:-1}", paramLabel = "RATE",
      description = "Share of new traces kept, 0 to 1; a caller's sampled flag (traceparent, b3) is followed. "
          + "Env: TRACING_SAMPLING_RATE.")
  double samplingRate;

  @Option(names = "--tracing-exporter-protocol", defaultValue = "${env:TRACING_EXPORTER_PROTOCOL:-http}",
      paramLabel = "PROTOCOL", description = "OTLP over http (protobuf) or grpc. Env: TRACING_EXPORTER_PROTOCOL.")
  String protocol;

  @Option(names = "--otlp-endpoint", defaultValue = "${env:OTEL_EXPORTER_OTLP_ENDPOINT:-}", paramLabel = "URL",
      description = "Collector base URL; over http, /v1/traces is added. Default http://localhost:4318 (http) or "
          + "http://localhost:4317 (grpc). Env: OTEL_EXPORTER_OTLP_ENDPOINT.")
  String endpoint;

  @Option(names = "--otlp-traces-endpoint", defaultValue = "${env:OTEL_EXPORTER_OTLP_TRACES_ENDPOINT:-}",
      paramLabel = "URL", description = "Full URL for traces, used as is. Env: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT.")
  String tracesEndpoint;

  @Option(names = "--otlp-headers", defaultValue = "${env:OTEL_EXPORTER_OTLP_HEADERS:-}", paramLabel = "KEY=VALUE,...",
      description = "Headers on every export, values URL-encoded; never logged. Env: OTEL_EXPORTER_OTLP_HEADERS.")
  String headers;

  @Option(names = "--otlp-traces-headers", defaultValue = "${env:OTEL_EXPORTER_OTLP_TRACES_HEADERS:-}",
      paramLabel = "KEY=VALUE,...", description = "More headers for traces; they win over the ones above. "
          + "Env: OTEL_EXPORTER_OTLP_TRACES_HEADERS.")
  String tracesHeaders;

  @Option(names = "--otlp-timeout", defaultValue = "${env:OTEL_EXPORTER_OTLP_TIMEOUT:-10000}", paramLabel = "MS",
      description = "Longest wait for one export, in milliseconds. Env: OTEL_EXPORTER_OTLP_TIMEOUT.")
  long timeoutMillis;

  @Option(names = "--otlp-compression", defaultValue = "${env:OTEL_EXPORTER_OTLP_COMPRESSION:-none}",
      paramLabel = "gzip|none", description = "Compress exports. Env: OTEL_EXPORTER_OTLP_COMPRESSION.")
  String compression;

  @Option(names = "--otlp-certificate", defaultValue = "${env:OTEL_EXPORTER_OTLP_CERTIFICATE:-}", paramLabel = "PEM",
      description = "CA to trust for an https collector. Env: OTEL_EXPORTER_OTLP_CERTIFICATE.")
  String certificate;

  void registerSecrets() {
    parseHeaders("--otlp-headers (OTEL_EXPORTER_OTLP_HEADERS)", headers).values().forEach(Redaction::addSecret);
    parseHeaders("--otlp-traces-headers (OTEL_EXPORTER_OTLP_TRACES_HEADERS)", tracesHeaders).values()
        .forEach(Redaction::addSecret);
  }

  Optional<TracingSettings> toSettings() {
    if (!enabled) {
      return Optional.empty();
    }
    if (!(samplingRate >= 0 && samplingRate <= 1)) {
      throw new SettingsException("--tracing-sampling-rate (TRACING_SAMPLING_RATE) must be between 0 and 1, got "
          + samplingRate);
    }
    TracingSettings.Protocol exporter = switch (protocol.trim().toLowerCase(Locale.ROOT)) {
      case "http", "http/protobuf" -> TracingSettings.Protocol.HTTP;
      case "grpc" -> TracingSettings.Protocol.GRPC;
      default -> throw new SettingsException("--tracing-exporter-protocol (TRACING_EXPORTER_PROTOCOL) must be http "
          + "or grpc, got '" + protocol + "'");
    };
    if (timeoutMillis <= 0) {
      throw new SettingsException("--otlp-timeout (OTEL_EXPORTER_OTLP_TIMEOUT) must be a positive number of "
          + "milliseconds, got " + timeoutMillis);
    }
    boolean gzip = switch (compression.trim().toLowerCase(Locale.ROOT)) {
      case "gzip" -> true;
      case "none", "" -> false;
      default -> throw new SettingsException("--otlp-compression (OTEL_EXPORTER_OTLP_COMPRESSION) must be gzip or "
          + "none, got '" + compression + "'");
    };
    Map<String, String> allHeaders = parseHeaders("--otlp-headers (OTEL_EXPORTER_OTLP_HEADERS)", headers);
    allHeaders.putAll(parseHeaders("--otlp-traces-headers (OTEL_EXPORTER_OTLP_TRACES_HEADERS)", tracesHeaders));
    Optional<Path> ca = certificate.isBlank() ? Optional.empty() : Optional.of(SettingChecks.readableFile(
        "--otlp-certificate (OTEL_EXPORTER_OTLP_CERTIFICATE)", Path.of(certificate.trim())));
    return Optional.of(new TracingSettings(serviceName, optional(serviceNamespace), optional(serviceInstanceId),
        samplingRate, exporter, endpoint(exporter), allHeaders, Duration.ofMillis(timeoutMillis), gzip, ca));
  }

  /** The spec's rules: the traces URL as is, else the base URL (plus /v1/traces over http), else the default. */
  private String endpoint(TracingSettings.Protocol exporter) {
    if (!tracesEndpoint.isBlank()) {
      return url("--otlp-traces-endpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)", tracesEndpoint.trim());
    }
    boolean http = exporter == TracingSettings.Protocol.HTTP;
    if (endpoint.isBlank()) {
      return http ? "http://localhost:4318/v1/traces" : "http://localhost:4317";
    }
    String base = url("--otlp-endpoint (OTEL_EXPORTER_OTLP_ENDPOINT)", endpoint.trim());
    return http ? (base.endsWith("/") ? base : base + "/") + "v1/traces" : base;
  }

  private static String url(String setting, String text) {
    try {
      URI uri = new URI(text);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new SettingsException(setting + " must be an http:// or https:// URL, got '" + text + "'");
      }
      return text;
    } catch (URISyntaxException e) {
      throw new SettingsException(setting + " is not a URL: " + e.getMessage());
    }
  }

  private static Optional<String> optional(String text) {
    return text.isBlank() ? Optional.empty() : Optional.of(text.trim());
  }

  /** {@code key=value,key=value}, values URL-encoded, as the OpenTelemetry specification writes them. */
  static Map<String, String> parseHeaders(String setting, String text) {
    Map<String, String> parsed = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        // The pair may be a credential: name where, never what.
        throw new SettingsException(setting + " expects key=value pairs separated by commas; one pair has no '='");
      }
      parsed.put(pair.substring(0, equals).trim(),
          URLDecoder.decode(pair.substring(equals + 1).trim(), StandardCharsets.UTF_8));
    }
    return parsed;
  }
}
