package io.egressratelimit.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway CA with a server certificate for 127.0.0.1 and a client certificate, made with the
 * openssl command line. Keys are PKCS#8 PEM, as Netty reads them.
 */
final class TlsMaterial {
  final Path dir;
  final Path caCert;
  final Path serverCert;
  final Path serverKey;
  final Path clientCert;
  final Path clientKey;
  /** Signed by a different CA: a server must refuse it, and a client must not trust it. */
  final Path strangerCaCert;

  private TlsMaterial(Path dir) {
    this.dir = dir;
    this.caCert = dir.resolve("ca.crt");
    this.serverCert = dir.resolve("server.crt");
    this.serverKey = dir.resolve("server.key");
    this.clientCert = dir.resolve("client.crt");
    this.clientKey = dir.resolve("client.key");
    this.strangerCaCert = dir.resolve("stranger-ca.crt");
  }

  static TlsMaterial generate() {
    TlsMaterial tls = new TlsMaterial(RedisNodes.newDir("tls"));
    tls.selfSignedCa("ca", "egress-ratelimit test CA");
    tls.selfSignedCa("stranger-ca", "someone else's CA");
    tls.signed("server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    tls.signed("client", "ratelimit-service", "extendedKeyUsage=clientAuth");
    try (var files = Files.list(tls.dir)) {
      // A container's redis user must read the server's key; these files live only for the test.
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return tls;
  }

  /** redis-server flags for a TLS port next to the plain one, trusting this CA for client certificates. */
  List<String> serverArgs(int tlsPort, boolean requireClientCertificate) {
    return List.of("--tls-port", Integer.toString(tlsPort), "--tls-cert-file", serverCert.toString(),
        "--tls-key-file", serverKey.toString(), "--tls-ca-cert-file", caCert.toString(),
        "--tls-auth-clients", requireClientCertificate ? "yes" : "no");
  }

  private void selfSignedCa(String name, String subject) {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", name + ".key", "-out", name + ".crt", "-days", "2", "-subj", "/CN=" + subject);
  }

  private void signed(String name, String commonName, String extension) {
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
    try {
      Files.writeString(dir.resolve(name + ".ext"), extension + "\n");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
  }

  private void openssl(String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("openssl.log").toFile()).start();
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("openssl " + args[0] + " failed; see " + dir.resolve("openssl.log"));
      }
    } catch (IOException e) {
      throw new IllegalStateException("the TLS tests need the openssl command (apt-get install -y openssl): "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
