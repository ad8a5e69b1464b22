package io.egressratelimit.settings;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS on the gRPC port.
 *
 * @param certificateChain PEM certificate chain the server presents
 * @param privateKey PEM private key of that certificate, PKCS#8 ({@code BEGIN PRIVATE KEY})
 * @param clientCa PEM CA certificates that sign client certificates; when present every client
 *     must present one (mTLS)
 */
public record GrpcTlsSettings(Path certificateChain, Path privateKey, Optional<Path> clientCa) {
  public GrpcTlsSettings {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(clientCa, "clientCa");
  }
}
