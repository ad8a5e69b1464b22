package io.egressratelimit.settings;

import io.egressratelimit.logging.Redaction;
import io.egressratelimit.redis.RedisStoreSettings;
import io.egressratelimit.redis.RedisTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads envoyproxy/ratelimit's own environment variables, the ones without a flag here, so that an
 * upstream Deployment starts this service unchanged: where the config lives ({@code RUNTIME_*}),
 * the Redis socket type, the local cache size, and the gRPC listener's socket, connection age and
 * client SAN. Every other upstream variable is judged by {@link UpstreamVariables}.
 */
public final class UpstreamEnvironment {
  /** envoyproxy/ratelimit's default RUNTIME_ROOT. */
  static final String DEFAULT_RUNTIME_ROOT = "/srv/runtime_data/current";
  /** The variables read here. */
  static final Set<String> NAMES = Set.of("RUNTIME_ROOT", "RUNTIME_SUBDIRECTORY", "RUNTIME_APPDIRECTORY",
      "REDIS_SOCKET_TYPE", "LOCAL_CACHE_SIZE_IN_BYTES", "GRPC_UDS", "GRPC_HOST", "GRPC_MAX_CONNECTION_AGE",
      "GRPC_MAX_CONNECTION_AGE_GRACE", "GRPC_CLIENT_TLS_SAN");
  /** A remembered empty bucket costs about this much heap: its key, its deadline and the map's node. */
  static final int OVER_LIMIT_CACHE_BYTES_PER_ENTRY = 256;

  private final Map<String, String> env;
  private final List<String> notices;

  private UpstreamEnvironment(Map<String, String> env, List<String> notices) {
    this.env = env;
    this.notices = new ArrayList<>(notices);
  }

  /**
   * Reads the environment once and judges every upstream variable in it.
   *
   * @param bound the variables that flags of the service read; those are not upstream-only
   */
  static UpstreamEnvironment read(Map<String, String> env, Set<String> bound) {
    return new UpstreamEnvironment(Map.copyOf(env), UpstreamVariables.judge(env, bound));
  }

  /**
   * The limits config: {@code --config} (CONFIG_PATH) when given, otherwise envoyproxy/ratelimit's
   * {@code $RUNTIME_ROOT/$RUNTIME_SUBDIRECTORY/$RUNTIME_APPDIRECTORY}. Both at once would leave one
   * of them silently unused, so that is refused.
   */
  Path configLocation(Path configPath) {
    List<String> runtime = set("RUNTIME_ROOT", "RUNTIME_SUBDIRECTORY", "RUNTIME_APPDIRECTORY");
    if (configPath != null) {
      if (!runtime.isEmpty()) {
        throw new SettingsException("both --config (CONFIG_PATH) and " + String.join(", ", runtime)
            + " are set; give the limits config one way: --config, or RUNTIME_ROOT, RUNTIME_SUBDIRECTORY and "
            + "RUNTIME_APPDIRECTORY as for envoyproxy/ratelimit");
      }
      return configPath;
    }
    Path directory = Path.of(value("RUNTIME_ROOT").orElse(DEFAULT_RUNTIME_ROOT))
        .resolve(value("RUNTIME_SUBDIRECTORY").orElse(""))
        .resolve(value("RUNTIME_APPDIRECTORY").orElse("config"));
    if (!Files.isDirectory(directory)) {
      if (runtime.isEmpty()) {
        throw new SettingsException("no limits config: set --config (CONFIG_PATH), or RUNTIME_ROOT and "
            + "RUNTIME_SUBDIRECTORY as for envoyproxy/ratelimit (its default location " + directory
            + " does not exist)");
      }
      throw new SettingsException("RUNTIME_ROOT/RUNTIME_SUBDIRECTORY/RUNTIME_APPDIRECTORY: no config directory "
          + directory);
    }
    return directory;
  }

  /**
   * REDIS_SOCKET_TYPE: {@code tcp} for {@code host:port}, {@code unix} for a socket path in
   * REDIS_URL. Unset, a URL that is a path means unix. Set without REDIS_URL, envoyproxy/ratelimit
   * would reach its default socket; the embedded store instead would quietly give every process its
   * own budget, so that is refused, and so is BACKEND_TYPE=redis without a URL.
   */
  Optional<RedisStoreSettings> redis(Optional<RedisStoreSettings> configured) {
    Optional<String> socketType = value("REDIS_SOCKET_TYPE").map(type -> type.trim().toLowerCase(Locale.ROOT));
    if (configured.isEmpty()) {
      if (socketType.isPresent()) {
        throw new SettingsException("REDIS_SOCKET_TYPE is set but REDIS_URL is not; envoyproxy/ratelimit would "
            + "connect to /var/run/nutcracker/ratelimit.sock: set REDIS_URL (or unset REDIS_SOCKET_TYPE for the "
            + "embedded in-memory store)");
      }
      if (value("BACKEND_TYPE").map(type -> type.trim().equalsIgnoreCase("redis")).orElse(false)) {
        throw new SettingsException("BACKEND_TYPE=redis but REDIS_URL is not set; set REDIS_URL (or unset "
            + "BACKEND_TYPE for the embedded in-memory store, one budget per process)");
      }
      return configured;
    }
    RedisStoreSettings redis = configured.get();
    String url = redis.url();
    boolean isPath = url.startsWith("/");
    String type = socketType.orElse(isPath ? "unix" : "tcp");
    switch (type) {
      case "tcp" -> {
        if (isPath) {
          throw new SettingsException("REDIS_SOCKET_TYPE=tcp but REDIS_URL '" + url + "' is a path; use "
              + "REDIS_SOCKET_TYPE=unix for a unix socket, or host:port");
        }
        return configured;
      }
      case "unix" -> {
        if (!isPath && !url.startsWith("redis-socket://")) {
          throw new SettingsException("REDIS_SOCKET_TYPE=unix needs REDIS_URL to be a socket path such as "
              + "/var/run/redis/redis.sock, got '" + Redaction.redact(url) + "'");
        }
        if (redis.topology() != RedisTopology.SINGLE) {
          throw new SettingsException("REDIS_SOCKET_TYPE=unix works with REDIS_TYPE=single only, got "
              + redis.topology().name().toLowerCase(Locale.ROOT));
        }
        if (redis.tls().enabled()) {
          throw new SettingsException("REDIS_TLS is not supported over a unix socket (REDIS_SOCKET_TYPE=unix)");
        }
        String socketUrl = isPath ? "redis-socket://" + url : url;
        return Optional.of(redis.withUrl(socketUrl));
      }
      default -> throw new SettingsException("REDIS_SOCKET_TYPE must be tcp or unix, got '"
          + value("REDIS_SOCKET_TYPE").orElseThrow() + "'");
    }
  }

  /**
   * The over-limit cache size. envoyproxy/ratelimit sizes its over-limit cache in bytes
   * (LOCAL_CACHE_SIZE_IN_BYTES, 0 = off); ours counts buckets. Given the upstream variable and not
   * ours, it is converted and the conversion is logged.
   */
  int overLimitCacheSize(int configured) {
    Optional<String> bytes = value("LOCAL_CACHE_SIZE_IN_BYTES");
    if (bytes.isEmpty()) {
      return configured;
    }
    if (env.containsKey("OVER_LIMIT_CACHE_SIZE")) {
      throw new SettingsException("both OVER_LIMIT_CACHE_SIZE and LOCAL_CACHE_SIZE_IN_BYTES are set; set one");
    }
    long size;
    try {
      size = Long.parseLong(bytes.get().trim());
    } catch (NumberFormatException e) {
      throw new SettingsException("LOCAL_CACHE_SIZE_IN_BYTES must be a number of bytes, got '" + bytes.get() + "'");
    }
    if (size < 0) {
      throw new SettingsException("LOCAL_CACHE_SIZE_IN_BYTES must not be negative, got " + size);
    }
    int entries = (int) Math.min(Integer.MAX_VALUE, (size + OVER_LIMIT_CACHE_BYTES_PER_ENTRY - 1)
        / OVER_LIMIT_CACHE_BYTES_PER_ENTRY);
    notices.add(size == 0 ? "LOCAL_CACHE_SIZE_IN_BYTES=0: the over-limit cache is off"
        : "LOCAL_CACHE_SIZE_IN_BYTES=" + size + ": the over-limit cache remembers up to " + entries
            + " empty buckets (about " + OVER_LIMIT_CACHE_BYTES_PER_ENTRY + " bytes each)");
    return entries;
  }

  /** GRPC_UDS, GRPC_HOST, GRPC_MAX_CONNECTION_AGE(_GRACE), GRPC_CLIENT_TLS_SAN, and the notes for the rest. */
  UpstreamSettings settings(boolean clientCertificatesRequired) {
    Duration age = duration("GRPC_MAX_CONNECTION_AGE").orElse(UpstreamSettings.DEFAULTS.grpcMaxConnectionAge());
    Duration grace = duration("GRPC_MAX_CONNECTION_AGE_GRACE")
        .orElse(UpstreamSettings.DEFAULTS.grpcMaxConnectionAgeGrace());
    if (age.isZero()) {
      throw new SettingsException("GRPC_MAX_CONNECTION_AGE must be positive, got 0");
    }
    Optional<String> san = value("GRPC_CLIENT_TLS_SAN").map(String::trim).filter(text -> !text.isEmpty());
    if (san.isPresent() && !clientCertificatesRequired) {
      throw new SettingsException("GRPC_CLIENT_TLS_SAN needs mTLS: set GRPC_CLIENT_TLS_CACERT (and the server's "
          + "GRPC_SERVER_TLS_CERT and GRPC_SERVER_TLS_KEY) too");
    }
    return new UpstreamSettings(value("GRPC_UDS").map(this::socketPath), value("GRPC_HOST"), age, grace, san,
        notices);
  }

  private Path socketPath(String text) {
    Path socket = Path.of(text.trim());
    Path parent = socket.toAbsolutePath().getParent();
    if (!Files.isDirectory(parent)) {
      throw new SettingsException("GRPC_UDS: no directory " + parent + " for the socket " + socket);
    }
    try {
      BasicFileAttributes existing = Files.readAttributes(socket, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (!existing.isOther()) {
        throw new SettingsException("GRPC_UDS: " + socket + " exists and is not a socket");
      }
      // A socket left by a previous run of the container would block the bind: nothing listens on it now.
      Files.delete(socket);
    } catch (java.nio.file.NoSuchFileException fresh) {
      // the usual case
    } catch (IOException e) {
      throw new SettingsException("GRPC_UDS: cannot use " + socket + ": " + e.getMessage());
    }
    return socket;
  }

  private Optional<Duration> duration(String name) {
    try {
      Optional<Duration> duration = value(name).map(GoDuration::parse);
      if (duration.isPresent() && duration.get().isNegative()) {
        throw new SettingsException(name + " must not be negative, got " + value(name).orElseThrow());
      }
      return duration;
    } catch (IllegalArgumentException e) {
      throw new SettingsException(name + ": " + e.getMessage());
    }
  }

  /** A variable's value; set but empty counts as unset, as envconfig reads it. */
  private Optional<String> value(String name) {
    return Optional.ofNullable(env.get(name)).filter(text -> !text.isBlank());
  }

  private List<String> set(String... names) {
    List<String> present = new ArrayList<>();
    for (String name : names) {
      value(name).ifPresent(ignored -> present.add(name));
    }
    return present;
  }
}
