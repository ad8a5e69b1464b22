package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** Start-up failures a user can cause: one readable line and the documented exit code. */
class MainTest {

  private static String[] runCapturingStderr(int[] exit, String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit[0] = Main.execute(args);
    } finally {
      System.setErr(original);
    }
    return err.toString(StandardCharsets.UTF_8).strip().split("\n");
  }

  @Test
  void anInvalidConfigStopsStartUpWithItsMessageAndExitCodeOne(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("geocode.yaml");
    Files.writeString(config, "domain: geocode\ndescriptors:\n  - key: generic_key\n    rate_limit:\n"
        + "      unit: fortnight\n      requests_per_unit: 5\n");
    int[] exit = new int[1];
    String[] lines = runCapturingStderr(exit, "--config", config.toString(), "--grpc-port", "0", "--http-port", "0");
    assertEquals(1, exit[0]);
    assertEquals(1, lines.length, "one line, no stack trace");
    assertTrue(lines[0].startsWith("ratelimit-service: invalid limits config: "), lines[0]);
    assertTrue(lines[0].contains("descriptors[0].rate_limit.unit: invalid rate limit unit 'fortnight'"), lines[0]);
  }

  @Test
  void aMissingConfigIsASettingsErrorWithExitCodeTwo() {
    int[] exit = new int[1];
    String[] lines = runCapturingStderr(exit, "--grpc-port", "0");
    assertEquals(2, exit[0]);
    assertEquals("ratelimit-service: no limits config: set --config (CONFIG_PATH), or RUNTIME_ROOT and "
        + "RUNTIME_SUBDIRECTORY as for envoyproxy/ratelimit (its default location /srv/runtime_data/current/config "
        + "does not exist)", lines[0]);
  }

  @Test
  void aPortOutOfRangeIsASettingsErrorWithExitCodeTwo(@TempDir Path dir) {
    int[] exit = new int[1];
    String[] lines = runCapturingStderr(exit, "--config", dir.toString(), "--grpc-port", "70000");
    assertEquals(2, exit[0]);
    assertEquals("ratelimit-service: --grpc-port (GRPC_PORT) must be between 0 and 65535, got 70000", lines[0]);
  }

  static Stream<Arguments> invalidSettings() {
    return Stream.of(
        Arguments.of("Invalid value for option '--grpc-port': 'abc' is not an int (flag --grpc-port or env GRPC_PORT);"
            + " see --help", new String[] {"--grpc-port", "abc"}),
        Arguments.of("Invalid value for option '--log-format': expected one of [TEXT, JSON] (case-insensitive) but "
            + "was 'xml' (flag --log-format or env LOG_FORMAT); see --help", new String[] {"--log-format", "xml"}),
        Arguments.of("Invalid value for option '--shadow-mode': 'maybe' is not a boolean; use true or false "
            + "(flag --shadow-mode or env SHADOW_MODE); see --help", new String[] {"--shadow-mode=maybe"}),
        Arguments.of("Unknown option: '--bogus'; see --help", new String[] {"--bogus"}),
        Arguments.of("--near-limit-ratio (NEAR_LIMIT_RATIO) must be between 0 and 1, got 1.5",
            new String[] {"--near-limit-ratio", "1.5"}),
        Arguments.of("--drain-period (DRAIN_PERIOD) must be positive, got 0ms", new String[] {"--drain-period", "0s"}),
        Arguments.of("--prometheus-addr (PROMETHEUS_ADDR) has no port number in ':metrics'",
            new String[] {"--use-prometheus", "--prometheus-addr", ":metrics"}),
        Arguments.of("--prometheus-path (PROMETHEUS_PATH) must start with /, got 'metrics'",
            new String[] {"--use-prometheus", "--prometheus-path", "metrics"}),
        Arguments.of("--extra-tags (EXTRA_TAGS) expects key:value pairs separated by commas, got 'eu1'",
            new String[] {"--use-statsd", "--extra-tags", "cluster:x,eu1"}),
        Arguments.of("USE_DOG_STATSD_MOGRIFIERS names NOPE, but DOG_STATSD_MOGRIFIER_NOPE_PATTERN is not set",
            new String[] {"--use-dog-statsd", "--use-dog-statsd-mogrifiers", "NOPE"}),
        Arguments.of("--tracing-sampling-rate (TRACING_SAMPLING_RATE) must be between 0 and 1, got 2.0",
            new String[] {"--tracing-enabled", "--tracing-sampling-rate", "2"}),
        Arguments.of("--tracing-exporter-protocol (TRACING_EXPORTER_PROTOCOL) must be http or grpc, got 'thrift'",
            new String[] {"--tracing-enabled", "--tracing-exporter-protocol", "thrift"}),
        Arguments.of("--otlp-endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) must be an http:// or https:// URL, got "
            + "'collector:4317'", new String[] {"--tracing-enabled", "--otlp-endpoint", "collector:4317"}),
        Arguments.of("--otlp-headers (OTEL_EXPORTER_OTLP_HEADERS) expects key=value pairs separated by commas; one "
            + "pair has no '='", new String[] {"--tracing-enabled", "--otlp-headers", "api-key:s3cret"}),
        Arguments.of("--limit-limit-header (LIMIT_LIMIT_HEADER) must be an HTTP header name, got 'Rate Limit'",
            new String[] {"--limit-response-headers-enabled", "--limit-limit-header", "Rate Limit"}),
        Arguments.of("gRPC TLS needs both --grpc-tls-cert (GRPC_SERVER_TLS_CERT) and --grpc-tls-key "
            + "(GRPC_SERVER_TLS_KEY)", new String[] {"--grpc-tls"}),
        Arguments.of("--grpc-tls-cert (GRPC_SERVER_TLS_CERT): no such file: /nonexistent/cert.pem",
            new String[] {"--grpc-tls-cert", "/nonexistent/cert.pem", "--grpc-tls-key", "/nonexistent/key.pem"}),
        Arguments.of("--failure-policy-domains (FAILURE_POLICY_DOMAINS): expected domain=policy, got 'geocode'",
            new String[] {"--failure-policy-domains", "geocode"}),
        Arguments.of("REDIS_TYPE must be single, sentinel or cluster, got 'ring'",
            new String[] {"--redis-url", "redis://127.0.0.1:1", "--redis-type", "ring"}),
        Arguments.of("REDIS_STRATEGY must be script or bucket4j, got 'paxos'",
            new String[] {"--redis-url", "redis://127.0.0.1:1", "--redis-strategy", "paxos"}),
        Arguments.of("REDIS_CLUSTER_LEGACY_KEYS applies to REDIS_TYPE=cluster with REDIS_STRATEGY=script only: "
            + "elsewhere bucket keys kept their format",
            new String[] {"--redis-url", "redis://127.0.0.1:1", "--redis-cluster-legacy-keys"}),
        Arguments.of("--redis-tls-cacert (REDIS_TLS_CACERT): no such file: /nonexistent/ca.pem",
            new String[] {"--redis-url", "redis://127.0.0.1:1", "--redis-tls-cacert", "/nonexistent/ca.pem"}),
        Arguments.of("a Redis TLS client certificate needs its key and a key its certificate (REDIS_TLS_CLIENT_CERT "
            + "and REDIS_TLS_CLIENT_KEY go together)", new String[] {"--redis-url", "redis://127.0.0.1:1",
                "--redis-tls-client-cert", "/etc/hostname"}));
  }

  @ParameterizedTest
  @MethodSource("invalidSettings")
  void anInvalidSettingIsOneLineNamingItAndExitCodeTwo(String expected, String[] settings, @TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("geocode.yaml"), "domain: geocode\n");
    String[] args = Stream.concat(Stream.of("--config", dir.toString(), "--http-port", "0", "--grpc-port", "0"),
        Arrays.stream(settings)).toArray(String[]::new);
    int[] exit = new int[1];
    String[] lines = runCapturingStderr(exit, args);
    assertEquals(2, exit[0], String.join("\n", lines));
    assertEquals(List.of("ratelimit-service: " + expected), List.of(lines));
  }
}
