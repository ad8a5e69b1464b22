package io.egressratelimit.settings;

import io.egressratelimit.xds.ReconnectBackoff;
import io.egressratelimit.xds.XdsSettings;
import io.egressratelimit.xds.XdsTlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;

/**
 * Where the limits come from ({@code CONFIG_TYPE}) and, for an xDS management server, the
 * CONFIG_GRPC_XDS_* and XDS_CLIENT_* settings of envoyproxy/ratelimit with their names, formats and
 * defaults.
 */
public final class XdsOptions {
  private static final Logger LOG = LoggerFactory.getLogger(XdsOptions.class);

  @Option(names = "--config-type", defaultValue = "${env:CONFIG_TYPE:-FILE}", paramLabel = "TYPE",
      description = "FILE reads the limits from --config; GRPC_XDS_SOTW subscribes to RateLimitConfig resources "
          + "of an xDS management server over ADS. Env: CONFIG_TYPE.")
  String configType;

  @Option(names = "--xds-server-url", defaultValue = "${env:CONFIG_GRPC_XDS_SERVER_URL:-localhost:18000}",
      paramLabel = "HOST:PORT", description = "The xDS management server. Env: CONFIG_GRPC_XDS_SERVER_URL.")
  String serverUrl;

  @Option(names = "--xds-node-id", defaultValue = "${env:CONFIG_GRPC_XDS_NODE_ID:-default}", paramLabel = "ID",
      description = "Node id the server keys its snapshots by. Env: CONFIG_GRPC_XDS_NODE_ID.")
  String nodeId;

  @Option(names = "--xds-node-metadata", defaultValue = "${env:CONFIG_GRPC_XDS_NODE_METADATA:-}",
      paramLabel = "KEY=VALUE,...", description = "String fields of the node's metadata. "
          + "Env: CONFIG_GRPC_XDS_NODE_METADATA.")
  String nodeMetadata;

  @Option(names = "--xds-client-headers", defaultValue = "${env:CONFIG_GRPC_XDS_CLIENT_ADDITIONAL_HEADERS:-}",
      paramLabel = "NAME:VALUE,...", description = "Headers sent with the stream, e.g. a token; never logged. "
          + "Env: CONFIG_GRPC_XDS_CLIENT_ADDITIONAL_HEADERS.")
  String headers;

  @Option(names = "--xds-tls", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:CONFIG_GRPC_XDS_SERVER_USE_TLS:-false}",
      description = "Connect over TLS; on by itself when a TLS file is given. Env: CONFIG_GRPC_XDS_SERVER_USE_TLS.")
  boolean useTls;

  @Option(names = "--xds-tls-ca", defaultValue = "${env:CONFIG_GRPC_XDS_SERVER_TLS_CACERT}", paramLabel = "PEM",
      description = "CA certificates for the server's certificate; the JDK's roots when unset. "
          + "Env: CONFIG_GRPC_XDS_SERVER_TLS_CACERT.")
  Path serverCa;

  @Option(names = "--xds-tls-cert", defaultValue = "${env:CONFIG_GRPC_XDS_CLIENT_TLS_CERT}", paramLabel = "PEM",
      description = "Client certificate chain (mTLS). Env: CONFIG_GRPC_XDS_CLIENT_TLS_CERT.")
  Path clientCertificate;

  @Option(names = "--xds-tls-key", defaultValue = "${env:CONFIG_GRPC_XDS_CLIENT_TLS_KEY}", paramLabel = "PEM",
      description = "Its private key, PKCS#8 PEM. Env: CONFIG_GRPC_XDS_CLIENT_TLS_KEY.")
  Path clientKey;

  @Option(names = "--xds-tls-san", defaultValue = "${env:CONFIG_GRPC_XDS_SERVER_TLS_SAN:-}", paramLabel = "NAME",
      description = "Name the server's certificate must carry, when it is not the URL's host. "
          + "Env: CONFIG_GRPC_XDS_SERVER_TLS_SAN.")
  String serverName;

  @Option(names = "--xds-backoff-initial", defaultValue = "${env:XDS_CLIENT_BACKOFF_INITIAL_INTERVAL:-10s}",
      paramLabel = "DURATION", converter = DurationConverter.class,
      description = "First wait before opening a failed stream again; it doubles on each failure. "
          + "Env: XDS_CLIENT_BACKOFF_INITIAL_INTERVAL.")
  Duration backoffInitial;

  @Option(names = "--xds-backoff-max", defaultValue = "${env:XDS_CLIENT_BACKOFF_MAX_INTERVAL:-60s}",
      paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Longest wait between attempts. Env: XDS_CLIENT_BACKOFF_MAX_INTERVAL.")
  Duration backoffMax;

  @Option(names = "--xds-backoff-random-factor", defaultValue = "${env:XDS_CLIENT_BACKOFF_RANDOM_FACTOR:-0.5}",
      paramLabel = "RATIO", description = "Each wait is spread by up to this share either way. "
          + "Env: XDS_CLIENT_BACKOFF_RANDOM_FACTOR.")
  double backoffRandomFactor;

  @Option(names = "--xds-backoff-jitter", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:XDS_CLIENT_BACKOFF_JITTER:-true}",
      description = "Spread the waits at random. Env: XDS_CLIENT_BACKOFF_JITTER.")
  boolean backoffJitter;

  @Option(names = "--xds-max-message-bytes", defaultValue = "${env:XDS_CLIENT_MAX_MSG_SIZE_IN_BYTES:-4194304}",
      paramLabel = "BYTES", description = "Largest update accepted. Env: XDS_CLIENT_MAX_MSG_SIZE_IN_BYTES.")
  String maxMessageBytes;

  @Option(names = "--xds-connect-retry-interval", defaultValue = "${env:CONFIG_GRPC_XDS_SERVER_CONNECT_RETRY_INTERVAL}",
      paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Accepted for compatibility; the XDS_CLIENT_BACKOFF_* settings govern every reconnect here. "
          + "Env: CONFIG_GRPC_XDS_SERVER_CONNECT_RETRY_INTERVAL.")
  Duration connectRetryInterval;

  @Option(names = "--force-start-without-initial-config", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:FORCE_START_WITHOUT_INITIAL_CONFIG:-false}",
      description = "With xDS: answer from an empty config (everything OK) until the first one arrives, instead "
          + "of UNAVAILABLE. Env: FORCE_START_WITHOUT_INITIAL_CONFIG.")
  boolean forceStartWithoutInitialConfig;

  @Option(names = "--healthy-with-at-least-one-config-loaded", arity = "0..1", fallbackValue = "true",
      paramLabel = "BOOL", showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:HEALTHY_WITH_AT_LEAST_ONE_CONFIG_LOADED:-false}",
      description = "With xDS: health checks fail until a first config has arrived, even when answering without "
          + "one. Env: HEALTHY_WITH_AT_LEAST_ONE_CONFIG_LOADED.")
  boolean healthyWithAtLeastOneConfigLoaded;

  /** Whether the limits come from an xDS server rather than from files. */
  boolean selected() {
    return switch (configType.trim().toUpperCase(Locale.ROOT)) {
      case "FILE" -> false;
      case "GRPC_XDS_SOTW" -> true;
      default -> throw new SettingsException("--config-type (CONFIG_TYPE) must be FILE or GRPC_XDS_SOTW, got '"
          + configType + "'");
    };
  }

  Optional<XdsSettings> toSettings() {
    if (!selected()) {
      if (forceStartWithoutInitialConfig) {
        LOG.info("FORCE_START_WITHOUT_INITIAL_CONFIG is set and has no effect here: with CONFIG_TYPE=FILE a file "
            + "config must load before the service answers, so no replica ever serves without its limits");
      }
      return Optional.empty();
    }
    if (serverUrl.isBlank()) {
      throw new SettingsException("--xds-server-url (CONFIG_GRPC_XDS_SERVER_URL) must name the management server");
    }
    if (connectRetryInterval != null) {
      LOG.info("CONFIG_GRPC_XDS_SERVER_CONNECT_RETRY_INTERVAL is accepted and not used: reconnects follow "
          + "XDS_CLIENT_BACKOFF_INITIAL_INTERVAL and XDS_CLIENT_BACKOFF_MAX_INTERVAL here");
    }
    ReconnectBackoff backoff;
    try {
      backoff = new ReconnectBackoff(backoffInitial, backoffMax, backoffRandomFactor, backoffJitter);
    } catch (IllegalArgumentException e) {
      throw new SettingsException("--xds-backoff-* (XDS_CLIENT_BACKOFF_*): " + e.getMessage());
    }
    return Optional.of(new XdsSettings(serverUrl.trim(), nodeId,
        pairs("--xds-node-metadata (CONFIG_GRPC_XDS_NODE_METADATA)", nodeMetadata, '=', false),
        pairs("--xds-client-headers (CONFIG_GRPC_XDS_CLIENT_ADDITIONAL_HEADERS)", headers, ':', true),
        tls(), backoff, messageBytes(), forceStartWithoutInitialConfig, healthyWithAtLeastOneConfigLoaded));
  }

  private Optional<XdsTlsSettings> tls() {
    boolean anyFile = serverCa != null || clientCertificate != null || clientKey != null;
    if (!useTls && !anyFile && serverName.isBlank()) {
      return Optional.empty();
    }
    if ((clientCertificate == null) != (clientKey == null)) {
      throw new SettingsException("xDS mTLS needs both --xds-tls-cert (CONFIG_GRPC_XDS_CLIENT_TLS_CERT) and "
          + "--xds-tls-key (CONFIG_GRPC_XDS_CLIENT_TLS_KEY)");
    }
    return Optional.of(new XdsTlsSettings(
        Optional.ofNullable(serverCa).map(f -> SettingChecks.readableFile(
            "--xds-tls-ca (CONFIG_GRPC_XDS_SERVER_TLS_CACERT)", f)),
        Optional.ofNullable(clientCertificate).map(f -> SettingChecks.readableFile(
            "--xds-tls-cert (CONFIG_GRPC_XDS_CLIENT_TLS_CERT)", f)),
        Optional.ofNullable(clientKey).map(f -> SettingChecks.readableFile(
            "--xds-tls-key (CONFIG_GRPC_XDS_CLIENT_TLS_KEY)", f)),
        serverName.isBlank() ? Optional.empty() : Optional.of(serverName.trim())));
  }

  private int messageBytes() {
    if (maxMessageBytes.isBlank()) {
      return 4 * 1024 * 1024; // upstream's default is empty, which leaves gRPC's own limit
    }
    try {
      int bytes = Integer.parseInt(maxMessageBytes.trim());
      if (bytes > 0) {
        return bytes;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new SettingsException("--xds-max-message-bytes (XDS_CLIENT_MAX_MSG_SIZE_IN_BYTES) must be a positive "
        + "number of bytes, got '" + maxMessageBytes + "'");
  }

  /**
   * {@code a=1,b=2} (or with ':'), as envoyproxy/ratelimit reads these lists.
   *
   * @param secret whether the values may be credentials, which an error must not repeat
   */
  private static Map<String, String> pairs(String setting, String text, char separator, boolean secret) {
    Map<String, String> pairs = new LinkedHashMap<>();
    String[] entries = text.split(",");
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i];
      if (entry.isBlank()) {
        continue;
      }
      int at = entry.indexOf(separator);
      if (at <= 0) {
        throw new SettingsException(setting + ": expected NAME" + separator + "VALUE pairs separated by commas; "
            + (secret ? "entry " + (i + 1) + " is not one" : "got '" + entry.trim() + "'"));
      }
      pairs.put(entry.substring(0, at).trim(), entry.substring(at + 1).trim());
    }
    return pairs;
  }
}
