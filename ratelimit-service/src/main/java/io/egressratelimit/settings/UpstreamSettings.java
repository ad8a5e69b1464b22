package io.egressratelimit.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * envoyproxy/ratelimit's own variables that change how this service runs, as {@link UpstreamEnvironment}
 * read them, and the start-up notes on those that have no effect here.
 *
 * @param grpcUds serve gRPC on this unix domain socket instead of a TCP port (GRPC_UDS)
 * @param grpcHost the address gRPC binds to when it differs from HOST (GRPC_HOST)
 * @param grpcMaxConnectionAge a connection older than this gets a GOAWAY, so clients reconnect and
 *     spread over new replicas (GRPC_MAX_CONNECTION_AGE; gRPC adds ±10% jitter)
 * @param grpcMaxConnectionAgeGrace how long calls on such a connection may still finish
 *     (GRPC_MAX_CONNECTION_AGE_GRACE)
 * @param grpcClientTlsSan a client certificate must name this DNS name or IP address (GRPC_CLIENT_TLS_SAN)
 * @param notices one line each, logged at start, for variables that are set but do not apply here
 */
public record UpstreamSettings(
    Optional<Path> grpcUds,
    Optional<String> grpcHost,
    Duration grpcMaxConnectionAge,
    Duration grpcMaxConnectionAgeGrace,
    Optional<String> grpcClientTlsSan,
    List<String> notices) {

  /** envoyproxy/ratelimit's defaults: a connection lives 24 h, then gets 1 h to finish its calls. */
  public static final UpstreamSettings DEFAULTS = new UpstreamSettings(Optional.empty(), Optional.empty(),
      Duration.ofHours(24), Duration.ofHours(1), Optional.empty(), List.of());

  public UpstreamSettings {
    Objects.requireNonNull(grpcUds, "grpcUds");
    Objects.requireNonNull(grpcHost, "grpcHost");
    Objects.requireNonNull(grpcMaxConnectionAge, "grpcMaxConnectionAge");
    Objects.requireNonNull(grpcMaxConnectionAgeGrace, "grpcMaxConnectionAgeGrace");
    Objects.requireNonNull(grpcClientTlsSan, "grpcClientTlsSan");
    notices = List.copyOf(notices);
  }
}
