package io.egressratelimit.server;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the service listens.
 *
 * @param host the address both servers bind to
 * @param grpcPort the RateLimitService port (0 picks a free one)
 * @param httpPort the admin HTTP port (0 picks a free one)
 * @param grpcTls TLS (and mTLS) on the gRPC port; empty serves plaintext
 */
public record ListenSettings(String host, int grpcPort, int httpPort, Optional<GrpcTlsSettings> grpcTls) {
  public ListenSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(grpcTls, "grpcTls");
  }

  public ListenSettings withGrpcTls(Optional<GrpcTlsSettings> tls) {
    return new ListenSettings(host, grpcPort, httpPort, tls);
  }
}
