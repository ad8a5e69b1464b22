package io.egressratelimit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away CA with a server certificate for 127.0.0.1 and localhost and a client certificate,
 * made by the openssl command line in a directory of the test's. Keys are EC P-256 in PKCS#8 PEM,
 * the form the service documents.
 */
public final class TestCertificates {
  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  public static TestCertificates create(Path dir) {
    TestCertificates certificates = new TestCertificates(dir);
    certificates.selfSigned("ca", "test-ca");
    certificates.signed("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
        + "extendedKeyUsage=serverAuth\n");
    certificates.signed("client", "envoy", "extendedKeyUsage=clientAuth\n");
    certificates.selfSigned("stranger", "not-our-ca");
    return certificates;
  }

  public Path caCert() {
    return dir.resolve("ca.pem");
  }

  public Path serverCert() {
    return dir.resolve("server.pem");
  }

  public Path serverKey() {
    return dir.resolve("server.key");
  }

  public Path clientCert() {
    return dir.resolve("client.pem");
  }

  public Path clientKey() {
    return dir.resolve("client.key");
  }

  /** A certificate and key from another CA, which the service must not trust. */
  public Path strangerCert() {
    return dir.resolve("stranger.pem");
  }

  public Path strangerKey() {
    return dir.resolve("stranger.key");
  }

  private void selfSigned(String name, String commonName) {
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", name + ".key", "-out", name + ".pem", "-subj", "/CN=" + commonName, "-days", "2");
  }

  private void signed(String name, String commonName, String extensions) {
    try {
      Files.writeString(dir.resolve(name + ".ext"), extensions, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
  }

  private void openssl(String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("the TLS tests need the openssl command (apt-get install -y openssl): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
