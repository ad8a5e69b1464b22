package io.egressratelimit.settings;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;

/** TLS and mTLS on the gRPC port, with envoyproxy/ratelimit's environment names. */
public final class GrpcTlsOptions {
  @Option(names = "--grpc-tls", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:GRPC_SERVER_USE_TLS:-false}",
      description = "Serve gRPC over TLS; on by itself when a certificate and key are given. Env: GRPC_SERVER_USE_TLS.")
  boolean useTls;

  @Option(names = "--grpc-tls-cert", defaultValue = "${env:GRPC_SERVER_TLS_CERT}", paramLabel = "PEM",
      description = "Certificate chain the gRPC server presents. Env: GRPC_SERVER_TLS_CERT.")
  Path certificate;

  @Option(names = "--grpc-tls-key", defaultValue = "${env:GRPC_SERVER_TLS_KEY}", paramLabel = "PEM",
      description = "Its private key, PKCS#8 PEM. Env: GRPC_SERVER_TLS_KEY.")
  Path key;

  @Option(names = "--grpc-tls-client-ca", defaultValue = "${env:GRPC_CLIENT_TLS_CACERT}", paramLabel = "PEM",
      description = "CA certificates for client certificates; when set, every client must present one signed by "
          + "them (mTLS). Env: GRPC_CLIENT_TLS_CACERT.")
  Path clientCa;

  Optional<GrpcTlsSettings> toSettings() {
    boolean anyFile = certificate != null || key != null || clientCa != null;
    if (!useTls && !anyFile) {
      return Optional.empty();
    }
    if (certificate == null || key == null) {
      throw new SettingsException("gRPC TLS needs both --grpc-tls-cert (GRPC_SERVER_TLS_CERT) and --grpc-tls-key "
          + "(GRPC_SERVER_TLS_KEY)");
    }
    return Optional.of(new GrpcTlsSettings(
        SettingChecks.readableFile("--grpc-tls-cert (GRPC_SERVER_TLS_CERT)", certificate),
        SettingChecks.readableFile("--grpc-tls-key (GRPC_SERVER_TLS_KEY)", key),
        Optional.ofNullable(clientCa)
            .map(ca -> SettingChecks.readableFile("--grpc-tls-client-ca (GRPC_CLIENT_TLS_CACERT)", ca))));
  }
}
