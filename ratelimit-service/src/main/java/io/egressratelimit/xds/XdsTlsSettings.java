package io.egressratelimit.xds;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS to the xDS management server.
 *
 * @param serverCa PEM CA certificates that sign the server's certificate; empty trusts the JDK's
 *     default roots
 * @param clientCertificate PEM certificate chain presented to the server (mTLS); set with the key
 * @param clientKey its PKCS#8 PEM private key
 * @param serverName the name the server's certificate must carry, when it is not the host of the
 *     server URL (envoyproxy/ratelimit's CONFIG_GRPC_XDS_SERVER_TLS_SAN)
 */
public record XdsTlsSettings(Optional<Path> serverCa, Optional<Path> clientCertificate, Optional<Path> clientKey,
    Optional<String> serverName) {
  public XdsTlsSettings {
    Objects.requireNonNull(serverCa, "serverCa");
    Objects.requireNonNull(clientCertificate, "clientCertificate");
    Objects.requireNonNull(clientKey, "clientKey");
    Objects.requireNonNull(serverName, "serverName");
    if (clientCertificate.isPresent() != clientKey.isPresent()) {
      throw new IllegalArgumentException("a client certificate needs its key, and a key its certificate");
    }
  }
}
