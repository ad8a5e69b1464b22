package io.egressratelimit.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.xds.XdsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** CONFIG_TYPE and the CONFIG_GRPC_XDS_* settings, given as the flags they fall back from. */
class XdsOptionsTest {
  @TempDir
  Path dir;

  private static ServerSettings parse(String... args) {
    ServeCommand command = new ServeCommand(settings -> 0);
    new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
    return command.settings();
  }

  @Test
  void filesAreTheDefaultSource() {
    assertEquals(Optional.empty(), parse("--config", "limits.yaml").limits().xds());
  }

  @Test
  void xdsNeedsNoConfigPathAndTakesUpstreamsDefaults() {
    ServerSettings settings = parse("--config-type", "GRPC_XDS_SOTW");
    assertNull(settings.limits().configPath());
    XdsSettings xds = settings.limits().xds().orElseThrow();
    assertEquals("localhost:18000", xds.serverUrl());
    assertEquals("default", xds.nodeId());
    assertEquals(Map.of(), xds.nodeMetadata());
    assertEquals(Optional.empty(), xds.tls());
    assertEquals(Duration.ofSeconds(10), xds.backoff().initial());
    assertEquals(Duration.ofSeconds(60), xds.backoff().max());
    assertEquals(0.5, xds.backoff().randomFactor());
    assertTrue(xds.backoff().jitter());
    assertEquals(4 * 1024 * 1024, xds.maxMessageBytes());
    assertFalse(xds.startWithoutInitialConfig());
    assertFalse(xds.servingBeforeFirstConfig());
  }

  @Test
  void everyXdsSettingIsRead() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-");
    Path cert = Files.writeString(dir.resolve("client.pem"), "-");
    Path key = Files.writeString(dir.resolve("client.key"), "-");
    XdsSettings xds = parse("--config-type", "grpc_xds_sotw", "--xds-server-url", "xds.mesh:18001",
        "--xds-node-id", "egress", "--xds-node-metadata", "cluster=egress,zone=a=b",
        "--xds-client-headers", "authorization:Bearer abc,x-team:infra", "--xds-tls-ca", ca.toString(),
        "--xds-tls-cert", cert.toString(), "--xds-tls-key", key.toString(), "--xds-tls-san", "xds.internal",
        "--xds-backoff-initial", "250ms", "--xds-backoff-max", "5s", "--xds-backoff-random-factor", "0.2",
        "--xds-backoff-jitter", "false", "--xds-max-message-bytes", "1048576",
        "--force-start-without-initial-config", "--healthy-with-at-least-one-config-loaded").limits().xds().orElseThrow();
    assertEquals("xds.mesh:18001", xds.serverUrl());
    assertEquals("egress", xds.nodeId());
    assertEquals(Map.of("cluster", "egress", "zone", "a=b"), xds.nodeMetadata());
    assertEquals(Map.of("authorization", "Bearer abc", "x-team", "infra"), xds.headers());
    assertEquals(Optional.of(ca), xds.tls().orElseThrow().serverCa());
    assertEquals(Optional.of(cert), xds.tls().orElseThrow().clientCertificate());
    assertEquals(Optional.of("xds.internal"), xds.tls().orElseThrow().serverName());
    assertEquals(Duration.ofMillis(250), xds.backoff().initial());
    assertEquals(Duration.ofSeconds(5), xds.backoff().max());
    assertEquals(0.2, xds.backoff().randomFactor());
    assertFalse(xds.backoff().jitter());
    assertEquals(1_048_576, xds.maxMessageBytes());
    assertTrue(xds.startWithoutInitialConfig());
    assertFalse(xds.servingBeforeFirstConfig(), "healthy only once a config has loaded");
  }

  @Test
  void useTlsAloneTrustsTheDefaultRoots() {
    var tls = parse("--config-type", "GRPC_XDS_SOTW", "--xds-tls").limits().xds().orElseThrow().tls().orElseThrow();
    assertEquals(Optional.empty(), tls.serverCa());
    assertEquals(Optional.empty(), tls.clientCertificate());
  }

  @Test
  void mistakesAreOneLineNamingTheSetting() throws Exception {
    assertEquals("--config-type (CONFIG_TYPE) must be FILE or GRPC_XDS_SOTW, got 'GRPC_XDS_DELTA'",
        assertThrows(SettingsException.class, () -> parse("--config-type", "GRPC_XDS_DELTA")).getMessage());
    Path cert = Files.writeString(dir.resolve("client.pem"), "-");
    assertEquals("xDS mTLS needs both --xds-tls-cert (CONFIG_GRPC_XDS_CLIENT_TLS_CERT) and --xds-tls-key "
        + "(CONFIG_GRPC_XDS_CLIENT_TLS_KEY)", assertThrows(SettingsException.class,
            () -> parse("--config-type", "GRPC_XDS_SOTW", "--xds-tls-cert", cert.toString())).getMessage());
    assertEquals("--xds-tls-ca (CONFIG_GRPC_XDS_SERVER_TLS_CACERT): no such file: /nope/ca.pem",
        assertThrows(SettingsException.class,
            () -> parse("--config-type", "GRPC_XDS_SOTW", "--xds-tls-ca", "/nope/ca.pem")).getMessage());
    assertTrue(assertThrows(SettingsException.class, () -> parse("--config-type", "GRPC_XDS_SOTW",
        "--xds-backoff-initial", "2m", "--xds-backoff-max", "1m")).getMessage()
        .startsWith("--xds-backoff-* (XDS_CLIENT_BACKOFF_*): the initial back-off must be positive and at most"));
    assertEquals("--xds-max-message-bytes (XDS_CLIENT_MAX_MSG_SIZE_IN_BYTES) must be a positive number of bytes, "
        + "got '0'", assertThrows(SettingsException.class, () -> parse("--config-type", "GRPC_XDS_SOTW",
            "--xds-max-message-bytes", "0")).getMessage());
  }

  @Test
  void aMalformedHeaderListDoesNotRepeatWhatMayBeAToken() {
    String message = assertThrows(SettingsException.class, () -> parse("--config-type", "GRPC_XDS_SOTW",
        "--xds-client-headers", "x-team:infra,Bearer-s3cret")).getMessage();
    assertEquals("--xds-client-headers (CONFIG_GRPC_XDS_CLIENT_ADDITIONAL_HEADERS): expected NAME:VALUE pairs "
        + "separated by commas; entry 2 is not one", message);
    assertFalse(message.contains("s3cret"));
  }
}
