package io.egressratelimit.redis;

import java.util.Objects;
import java.util.Optional;
import java.nio.file.Path;

/**
 * TLS towards Redis. The server's certificate is always verified, host name included: against
 * {@code caCert} when given, otherwise against the JVM's trust store.
 *
 * @param enabled use TLS even when the URL says {@code redis://} (REDIS_TLS); a {@code rediss://}
 *     URL turns it on by itself
 * @param caCert PEM file of the CA that signed the server's certificate (REDIS_TLS_CACERT)
 * @param clientCert PEM certificate chain to present, for servers started with
 *     {@code tls-auth-clients yes} (REDIS_TLS_CLIENT_CERT)
 * @param clientKey the PKCS#8 PEM private key of {@code clientCert}, unencrypted (REDIS_TLS_CLIENT_KEY)
 */
public record RedisTlsSettings(
    boolean enabled, Optional<Path> caCert, Optional<Path> clientCert, Optional<Path> clientKey) {

  /** TLS only if the URL asks for it, trusting the JVM's CAs, without a client certificate. */
  public static final RedisTlsSettings FROM_URL =
      new RedisTlsSettings(false, Optional.empty(), Optional.empty(), Optional.empty());

  public RedisTlsSettings {
    Objects.requireNonNull(caCert, "caCert");
    Objects.requireNonNull(clientCert, "clientCert");
    Objects.requireNonNull(clientKey, "clientKey");
    if (clientCert.isPresent() != clientKey.isPresent()) {
      throw new IllegalArgumentException(
          "a Redis TLS client certificate needs its key and a key its certificate (REDIS_TLS_CLIENT_CERT and "
              + "REDIS_TLS_CLIENT_KEY go together)");
    }
  }

  /** TLS on, verifying the server against {@code caCert}. */
  public static RedisTlsSettings trusting(Path caCert) {
    return new RedisTlsSettings(true, Optional.of(caCert), Optional.empty(), Optional.empty());
  }

  /** The same, presenting a client certificate as well. */
  public RedisTlsSettings withClientCertificate(Path certificate, Path key) {
    return new RedisTlsSettings(enabled, caCert, Optional.of(certificate), Optional.of(key));
  }
}
