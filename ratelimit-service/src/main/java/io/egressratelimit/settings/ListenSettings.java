package io.egressratelimit.settings;

import io.egressratelimit.http.JsonAccess;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the service listens, and who may use the admin port's {@code /json}.
 *
 * @param host the address gRPC binds to (unless GRPC_HOST), and the admin port unless {@code adminHost}
 * @param adminHost the address the admin HTTP port binds to
 * @param grpcPort the RateLimitService port (0 picks a free one)
 * @param httpPort the admin HTTP port (0 picks a free one)
 * @param grpcTls TLS (and mTLS) on the gRPC port; empty serves plaintext
 * @param json who may call {@code /json}
 */
public record ListenSettings(String host, String adminHost, int grpcPort, int httpPort,
    Optional<GrpcTlsSettings> grpcTls, JsonAccess json) {
  public ListenSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(adminHost, "adminHost");
    Objects.requireNonNull(grpcTls, "grpcTls");
    Objects.requireNonNull(json, "json");
  }

  /** Both servers on {@code host}, {@code /json} from this host only. */
  public ListenSettings(String host, int grpcPort, int httpPort, Optional<GrpcTlsSettings> grpcTls) {
    this(host, host, grpcPort, httpPort, grpcTls, JsonAccess.LOOPBACK);
  }

  public ListenSettings withGrpcTls(Optional<GrpcTlsSettings> tls) {
    return new ListenSettings(host, adminHost, grpcPort, httpPort, tls, json);
  }

  public ListenSettings withJson(JsonAccess access) {
    return new ListenSettings(host, adminHost, grpcPort, httpPort, grpcTls, access);
  }

  /** Whether gRPC callers must present a client certificate (mTLS). */
  boolean clientCertificatesRequired() {
    return grpcTls.flatMap(GrpcTlsSettings::clientCa).isPresent();
  }
}
