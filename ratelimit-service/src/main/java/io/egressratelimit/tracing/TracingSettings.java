package io.egressratelimit.tracing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where spans go and which are kept, with envoyproxy/ratelimit's {@code TRACING_*} settings and
 * the standard {@code OTEL_EXPORTER_OTLP_*} ones.
 *
 * @param serviceName the resource's {@code service.name}
 * @param serviceNamespace {@code service.namespace}, empty for none
 * @param serviceInstanceId {@code service.instance.id}, empty for none
 * @param samplingRate the share of new traces kept; a caller's sampled flag is followed as it is
 * @param protocol OTLP over HTTP (protobuf) or gRPC
 * @param endpoint the full URL spans are sent to
 * @param headers sent with every export, e.g. an API key
 * @param timeout the longest one export may take
 * @param gzip compress exports
 * @param certificate a PEM CA to trust for an {@code https} endpoint; empty trusts the JVM's
 */
public record TracingSettings(String serviceName, Optional<String> serviceNamespace, Optional<String> serviceInstanceId,
    double samplingRate, Protocol protocol, String endpoint, Map<String, String> headers, Duration timeout,
    boolean gzip, Optional<Path> certificate) {

  /** How spans travel to the collector. */
  public enum Protocol { HTTP, GRPC }

  public TracingSettings {
    Objects.requireNonNull(serviceName, "serviceName");
    Objects.requireNonNull(serviceNamespace, "serviceNamespace");
    Objects.requireNonNull(serviceInstanceId, "serviceInstanceId");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(endpoint, "endpoint");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(certificate, "certificate");
  }

  @Override
  public String toString() {
    // Export headers usually carry a credential.
    return "TracingSettings[" + serviceName + ", " + protocol + " " + endpoint + ", sampling " + samplingRate + "]";
  }
}
