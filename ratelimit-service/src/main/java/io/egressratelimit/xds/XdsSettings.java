package io.egressratelimit.xds;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the limits come from when they come from an xDS management server, with the meanings of
 * envoyproxy/ratelimit's CONFIG_GRPC_XDS_* settings.
 *
 * @param serverUrl the gRPC target of the management server, e.g. {@code xds-server:18000}
 * @param nodeId the node id the server keys its snapshots by
 * @param nodeMetadata string fields of the node's metadata
 * @param headers sent with the stream, e.g. an authorization token; values are never logged
 * @param tls TLS to the server; empty connects in plaintext
 * @param backoff the waits between attempts to open the stream
 * @param maxMessageBytes the largest response accepted
 * @param startWithoutInitialConfig answer from an empty config until the first one arrives; when
 *     false, requests get UNAVAILABLE until then, so Envoy's failure_mode_deny decides
 * @param healthyOnlyWithConfig report NOT_SERVING until a first config has arrived even when
 *     answering without one
 */
public record XdsSettings(
    String serverUrl,
    String nodeId,
    Map<String, String> nodeMetadata,
    Map<String, String> headers,
    Optional<XdsTlsSettings> tls,
    ReconnectBackoff backoff,
    int maxMessageBytes,
    boolean startWithoutInitialConfig,
    boolean healthyOnlyWithConfig) {

  public XdsSettings {
    Objects.requireNonNull(serverUrl, "serverUrl");
    Objects.requireNonNull(nodeId, "nodeId");
    nodeMetadata = Map.copyOf(nodeMetadata);
    headers = Map.copyOf(headers);
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(backoff, "backoff");
    if (maxMessageBytes <= 0) {
      throw new IllegalArgumentException("the largest xDS message must be positive, got " + maxMessageBytes);
    }
  }

  /** Whether the service should take traffic before its first config arrives. */
  public boolean servingBeforeFirstConfig() {
    return startWithoutInitialConfig && !healthyOnlyWithConfig;
  }
}
