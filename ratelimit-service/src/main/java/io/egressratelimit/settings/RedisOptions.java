package io.egressratelimit.settings;

import io.egressratelimit.logging.Redaction;
import io.egressratelimit.redis.RedisStoreSettings;
import io.egressratelimit.redis.RedisStrategy;
import io.egressratelimit.redis.RedisTlsSettings;
import io.egressratelimit.redis.RedisTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;

/** Where the shared buckets live. Without a URL the embedded in-memory store is used. */
public final class RedisOptions {
  @Option(names = "--redis-url", defaultValue = "${env:REDIS_URL}", paramLabel = "URL",
      showDefaultValue = Help.Visibility.NEVER,
      description = "Redis address: host:port, or a redis:// or rediss:// URL; for sentinel "
          + "'master,host:port,...'; for cluster comma-separated seeds. Without it the embedded in-memory store is "
          + "used, and each process has its own budget. Credentials in it are never logged. Env: REDIS_URL.")
  String url;

  @Option(names = "--redis-type", defaultValue = "${env:REDIS_TYPE:-single}", paramLabel = "TYPE",
      description = "single, sentinel or cluster. Env: REDIS_TYPE.")
  String type;

  @Option(names = "--redis-auth", defaultValue = "${env:REDIS_AUTH}", showDefaultValue = Help.Visibility.NEVER,
      paramLabel = "PASSWORD", description = "Redis password (or user:password), if not in the URL. Never logged, "
          + "but a command-line argument shows in ps: prefer the variable or --redis-auth-file. Env: REDIS_AUTH.")
  String auth;

  @Option(names = "--redis-auth-file", defaultValue = "${env:REDIS_AUTH_FILE}", paramLabel = "FILE",
      description = "A file holding the Redis password (or user:password), e.g. a mounted Secret; a final line "
          + "break is dropped. Env: REDIS_AUTH_FILE.")
  Path authFile;

  @Option(names = "--redis-tls", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:REDIS_TLS:-false}",
      description = "Connect to Redis over TLS even when the URL says redis://; a rediss:// URL or any of the "
          + "three files below turns it on too. Env: REDIS_TLS.")
  boolean tls;

  @Option(names = "--redis-tls-cacert", defaultValue = "${env:REDIS_TLS_CACERT}", paramLabel = "PEM",
      description = "CA certificate that signed Redis's certificate; without it the JVM's trusted CAs. "
          + "Env: REDIS_TLS_CACERT.")
  Path tlsCaCert;

  @Option(names = "--redis-tls-client-cert", defaultValue = "${env:REDIS_TLS_CLIENT_CERT}", paramLabel = "PEM",
      description = "Client certificate for Redis servers that require one. Env: REDIS_TLS_CLIENT_CERT.")
  Path tlsClientCert;

  @Option(names = "--redis-tls-client-key", defaultValue = "${env:REDIS_TLS_CLIENT_KEY}", paramLabel = "PEM",
      description = "Its private key, PKCS#8 PEM. Env: REDIS_TLS_CLIENT_KEY.")
  Path tlsClientKey;

  @Option(names = "--cache-key-prefix", defaultValue = "${env:CACHE_KEY_PREFIX:-ratelimit:}", paramLabel = "PREFIX",
      description = "Prefix of every Redis key. Env: CACHE_KEY_PREFIX.")
  String keyPrefix;

  @Option(names = "--backend-timeout", defaultValue = "${env:BACKEND_TIMEOUT:-1s}", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Longest wait for Redis before the failure policy answers. A caller's gRPC deadline (Envoy "
          + "sends its filter timeout) shortens the wait to that deadline less --deadline-margin; callers without "
          + "a deadline wait this long. Env: BACKEND_TIMEOUT.")
  Duration backendTimeout;

  @Option(names = "--deadline-margin", defaultValue = "${env:DEADLINE_MARGIN:-2ms}", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Kept back from a caller's deadline for the answer's way back, so the failure policy's answer "
          + "still arrives in time. Env: DEADLINE_MARGIN.")
  Duration deadlineMargin;

  @Option(names = "--redis-strategy", defaultValue = "${env:REDIS_STRATEGY:-script}", paramLabel = "STRATEGY",
      description = "script (one atomic Lua script per round trip, shared by queued requests) or bucket4j "
          + "(bucket4j's compare-and-swap buckets, kept for comparison). Env: REDIS_STRATEGY.")
  String strategy;

  @Option(names = "--redis-max-in-flight", defaultValue = "${env:REDIS_MAX_IN_FLIGHT:-2}", paramLabel = "N",
      description = "Script calls on the wire per cluster slot; requests arriving meanwhile share the next call. "
          + "Env: REDIS_MAX_IN_FLIGHT.")
  int maxInFlight;

  @Option(names = "--redis-cluster-legacy-keys", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:REDIS_CLUSTER_LEGACY_KEYS:-false}",
      description = "On a Redis Cluster, also spend each bucket's domain-tagged key, as versions before the buckets "
          + "spread over the masters wrote it: on while a fleet is upgraded from such a version, so both halves keep "
          + "one count; off once no replica of it is left (docs/redis.md, Upgrading). Env: REDIS_CLUSTER_LEGACY_KEYS.")
  boolean legacyClusterKeys;

  /** Registers the password wherever it was given, before anything can log it. */
  void registerSecrets() {
    Redaction.addUrlPassword(url);
    Redaction.addSecret(auth);
    password().ifPresent(Redaction::addSecret);
  }

  /**
   * A warning when the password came as a command-line argument, which every user of the machine
   * can read with ps; the variable REDIS_AUTH (or the same value in both) is not one.
   */
  Optional<String> commandLinePasswordWarning(java.util.Map<String, String> environment) {
    if (auth == null || auth.isEmpty() || auth.equals(environment.get("REDIS_AUTH"))) {
      return Optional.empty();
    }
    return Optional.of("--redis-auth was given on the command line, where ps shows it to every user of the "
        + "machine; set REDIS_AUTH or --redis-auth-file instead");
  }

  /** The password from --redis-auth or --redis-auth-file, at most one of them. */
  private Optional<String> password() {
    Optional<String> given = Optional.ofNullable(auth).filter(a -> !a.isEmpty());
    if (authFile == null) {
      return given;
    }
    if (given.isPresent()) {
      throw new SettingsException("both --redis-auth (REDIS_AUTH) and --redis-auth-file (REDIS_AUTH_FILE) are set; "
          + "give the password one way");
    }
    Path file = SettingChecks.readableFile("--redis-auth-file (REDIS_AUTH_FILE)", authFile);
    String text;
    try {
      text = java.nio.file.Files.readString(file);
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      throw new SettingsException("--redis-auth-file (REDIS_AUTH_FILE): cannot read " + file + ": " + e.getMessage());
    }
    String password = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
        : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    if (password.isEmpty()) {
      throw new SettingsException("--redis-auth-file (REDIS_AUTH_FILE): " + file + " is empty");
    }
    return Optional.of(password);
  }

  Optional<RedisStoreSettings> toSettings() {
    if (url == null || url.isBlank()) {
      return Optional.empty();
    }
    SettingChecks.positive("--backend-timeout (BACKEND_TIMEOUT)", backendTimeout);
    SettingChecks.notNegative("--deadline-margin (DEADLINE_MARGIN)", deadlineMargin);
    if (maxInFlight < 1) {
      throw new SettingsException("--redis-max-in-flight (REDIS_MAX_IN_FLIGHT) must be at least 1, got " + maxInFlight);
    }
    try {
      return Optional.of(new RedisStoreSettings(url.trim(), RedisTopology.parse(type),
          password(), keyPrefix, backendTimeout, maxInFlight,
          RedisStrategy.parse(strategy), tlsSettings(), deadlineMargin, legacyClusterKeys));
    } catch (IllegalArgumentException e) {
      throw new SettingsException(Redaction.redact(e.getMessage()));
    }
  }

  private RedisTlsSettings tlsSettings() {
    Optional<Path> ca = Optional.ofNullable(tlsCaCert)
        .map(file -> SettingChecks.readableFile("--redis-tls-cacert (REDIS_TLS_CACERT)", file));
    Optional<Path> cert = Optional.ofNullable(tlsClientCert)
        .map(file -> SettingChecks.readableFile("--redis-tls-client-cert (REDIS_TLS_CLIENT_CERT)", file));
    Optional<Path> key = Optional.ofNullable(tlsClientKey)
        .map(file -> SettingChecks.readableFile("--redis-tls-client-key (REDIS_TLS_CLIENT_KEY)", file));
    // A CA or a client certificate only makes sense over TLS: giving one turns it on.
    return new RedisTlsSettings(tls || ca.isPresent() || cert.isPresent(), ca, cert, key);
  }
}
