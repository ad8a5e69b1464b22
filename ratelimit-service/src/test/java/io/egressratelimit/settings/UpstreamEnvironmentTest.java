package io.egressratelimit.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.egressratelimit.redis.RedisStoreSettings;
import io.egressratelimit.redis.RedisTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** envoyproxy/ratelimit's variables without a flag here: what each value means, and the exact refusals. */
class UpstreamEnvironmentTest {

  private static UpstreamEnvironment env(Map<String, String> variables) {
    return UpstreamEnvironment.read(variables, Set.of());
  }

  private static String refusal(Runnable reading) {
    return assertThrows(SettingsException.class, reading::run).getMessage();
  }

  @Test
  void theConfigIsReadWhereEnvoyproxyRatelimitReadsIt(@TempDir Path root) throws Exception {
    Path config = Files.createDirectories(root.resolve("ratelimit/config"));
    UpstreamEnvironment upstream = env(Map.of("RUNTIME_ROOT", root.toString(), "RUNTIME_SUBDIRECTORY", "ratelimit"));
    assertEquals(config, upstream.configLocation(null));
    Path other = Files.createDirectories(root.resolve("ratelimit/limits"));
    assertEquals(other, env(Map.of("RUNTIME_ROOT", root.toString(), "RUNTIME_SUBDIRECTORY", "ratelimit",
        "RUNTIME_APPDIRECTORY", "limits")).configLocation(null));
  }

  @Test
  void configPathAndRuntimeRootTogetherAreRefused(@TempDir Path root) {
    assertEquals("both --config (CONFIG_PATH) and RUNTIME_ROOT are set; give the limits config one way: --config, "
        + "or RUNTIME_ROOT, RUNTIME_SUBDIRECTORY and RUNTIME_APPDIRECTORY as for envoyproxy/ratelimit",
        refusal(() -> env(Map.of("RUNTIME_ROOT", root.toString())).configLocation(root)));
    assertEquals(root, env(Map.of()).configLocation(root), "--config alone");
  }

  @Test
  void aMissingConfigDirectoryNamesWhereItWasLookedFor(@TempDir Path root) {
    assertEquals("RUNTIME_ROOT/RUNTIME_SUBDIRECTORY/RUNTIME_APPDIRECTORY: no config directory "
        + root.resolve("ratelimit/config"),
        refusal(() -> env(Map.of("RUNTIME_ROOT", root.toString(), "RUNTIME_SUBDIRECTORY", "ratelimit"))
            .configLocation(null)));
    assertEquals("no limits config: set --config (CONFIG_PATH), or RUNTIME_ROOT and RUNTIME_SUBDIRECTORY as for "
        + "envoyproxy/ratelimit (its default location /srv/runtime_data/current/config does not exist)",
        refusal(() -> env(Map.of()).configLocation(null)));
  }

  @Test
  void memcacheAndASecondPerSecondRedisAreRefusedWithTheReason() {
    assertEquals("BACKEND_TYPE=memcache is not supported: memcache is not supported: its increments cannot deny "
        + "a request atomically across descriptors (all or nothing) nor keep one exact token bucket; use Redis",
        refusal(() -> env(Map.of("BACKEND_TYPE", "memcache"))));
    assertEquals("REDIS_PERSECOND=true is not supported: a request whose descriptors have per-second and longer "
        + "limits would be decided on two Redis servers, and all or nothing (a denied request consumes from none "
        + "of its descriptors) cannot be atomic across two; keep every limit on one Redis (a Cluster spreads the "
        + "load)", refusal(() -> env(Map.of("REDIS_PERSECOND", "true"))));
    assertEquals("REDIS_PERSECOND: 'maybe' is not a boolean; use true or false",
        refusal(() -> env(Map.of("REDIS_PERSECOND", "maybe"))));
    assertEquals("REDIS_SENTINEL_AUTH=<redacted> is not supported: a separate Sentinel password is not supported; "
        + "Sentinels are reached without one", refusal(() -> env(Map.of("REDIS_SENTINEL_AUTH", "hunter2"))));
  }

  @Test
  void aVariableThatDoesNotApplyIsOneNoteAndOneThatMeansTheSameIsQuiet() {
    UpstreamSettings settings = env(Map.of("REDIS_POOL_SIZE", "20", "REDIS_PERSECOND", "false", "CONFIG_TYPE", "FILE",
        "BACKEND_TYPE", "redis", "STOP_CACHE_KEY_INCREMENT_WHEN_OVERLIMIT", "true", "RUNTIME_WATCH_ROOT", "false"))
        .settings(false);
    assertEquals(List.of("REDIS_POOL_SIZE is set and has no effect here: one multiplexed Lettuce connection per "
        + "Redis node carries every call; REDIS_MAX_IN_FLIGHT bounds the script calls on the wire"),
        settings.notices());
  }

  @Test
  void aVariableAFlagReadsIsNotJudgedHere() {
    UpstreamSettings settings = UpstreamEnvironment.read(Map.of("USE_STATSD", "false", "REDIS_POOL_SIZE", "5"),
        Set.of("USE_STATSD")).settings(false);
    assertEquals(1, settings.notices().size(), settings.notices().toString());
    assertEquals(true, settings.notices().get(0).startsWith("REDIS_POOL_SIZE "));
  }

  @Test
  void aUnixSocketTypeTurnsThePathIntoASocketAddress() {
    Optional<RedisStoreSettings> tcp = Optional.of(RedisStoreSettings.standalone("127.0.0.1:6379"));
    Optional<RedisStoreSettings> path = Optional.of(RedisStoreSettings.standalone("/var/run/redis.sock"));
    assertEquals("redis-socket:///var/run/redis.sock",
        env(Map.of("REDIS_SOCKET_TYPE", "unix")).redis(path).orElseThrow().url());
    assertEquals("redis-socket:///var/run/redis.sock", env(Map.of()).redis(path).orElseThrow().url(),
        "a path means a socket");
    assertEquals("127.0.0.1:6379", env(Map.of("REDIS_SOCKET_TYPE", "tcp")).redis(tcp).orElseThrow().url());
    assertEquals("REDIS_SOCKET_TYPE=unix needs REDIS_URL to be a socket path such as /var/run/redis/redis.sock, "
        + "got '127.0.0.1:6379'", refusal(() -> env(Map.of("REDIS_SOCKET_TYPE", "unix")).redis(tcp)));
    assertEquals("REDIS_SOCKET_TYPE=tcp but REDIS_URL '/var/run/redis.sock' is a path; use REDIS_SOCKET_TYPE=unix "
        + "for a unix socket, or host:port", refusal(() -> env(Map.of("REDIS_SOCKET_TYPE", "tcp")).redis(path)));
    assertEquals("REDIS_SOCKET_TYPE must be tcp or unix, got 'udp'",
        refusal(() -> env(Map.of("REDIS_SOCKET_TYPE", "udp")).redis(tcp)));
    assertEquals("REDIS_SOCKET_TYPE=unix works with REDIS_TYPE=single only, got cluster",
        refusal(() -> env(Map.of("REDIS_SOCKET_TYPE", "unix"))
            .redis(Optional.of(RedisStoreSettings.of("/var/run/redis.sock", RedisTopology.CLUSTER)))));
  }

  @Test
  void aRedisSocketTypeOrBackendWithoutAUrlIsRefusedRatherThanFallingBackToOneBudgetPerProcess() {
    assertEquals("REDIS_SOCKET_TYPE is set but REDIS_URL is not; envoyproxy/ratelimit would connect to "
        + "/var/run/nutcracker/ratelimit.sock: set REDIS_URL (or unset REDIS_SOCKET_TYPE for the embedded "
        + "in-memory store)", refusal(() -> env(Map.of("REDIS_SOCKET_TYPE", "tcp")).redis(Optional.empty())));
    assertEquals("BACKEND_TYPE=redis but REDIS_URL is not set; set REDIS_URL (or unset BACKEND_TYPE for the "
        + "embedded in-memory store, one budget per process)",
        refusal(() -> env(Map.of("BACKEND_TYPE", "redis")).redis(Optional.empty())));
    assertEquals(Optional.empty(), env(Map.of()).redis(Optional.empty()));
  }

  @Test
  void theLocalCacheSizeInBytesSizesTheOverLimitCache() {
    UpstreamEnvironment upstream = env(Map.of("LOCAL_CACHE_SIZE_IN_BYTES", "1048576"));
    assertEquals(4096, upstream.overLimitCacheSize(100_000));
    assertEquals(List.of("LOCAL_CACHE_SIZE_IN_BYTES=1048576: the over-limit cache remembers up to 4096 empty "
        + "buckets (about 256 bytes each)"), upstream.settings(false).notices());
    assertEquals(0, env(Map.of("LOCAL_CACHE_SIZE_IN_BYTES", "0")).overLimitCacheSize(100_000));
    assertEquals(100_000, env(Map.of()).overLimitCacheSize(100_000));
    assertEquals("both OVER_LIMIT_CACHE_SIZE and LOCAL_CACHE_SIZE_IN_BYTES are set; set one",
        refusal(() -> env(Map.of("LOCAL_CACHE_SIZE_IN_BYTES", "10", "OVER_LIMIT_CACHE_SIZE", "5"))
            .overLimitCacheSize(5)));
    assertEquals("LOCAL_CACHE_SIZE_IN_BYTES must be a number of bytes, got '1MB'",
        refusal(() -> env(Map.of("LOCAL_CACHE_SIZE_IN_BYTES", "1MB")).overLimitCacheSize(5)));
  }

  @Test
  void grpcConnectionAgeIsWrittenAsForGoAndDefaultsToUpstreams() {
    assertEquals(Duration.ofHours(24), env(Map.of()).settings(false).grpcMaxConnectionAge());
    assertEquals(Duration.ofHours(1), env(Map.of()).settings(false).grpcMaxConnectionAgeGrace());
    UpstreamSettings set = env(Map.of("GRPC_MAX_CONNECTION_AGE", "1h30m", "GRPC_MAX_CONNECTION_AGE_GRACE", "0.5s"))
        .settings(false);
    assertEquals(Duration.ofMinutes(90), set.grpcMaxConnectionAge());
    assertEquals(Duration.ofMillis(500), set.grpcMaxConnectionAgeGrace());
    assertEquals("GRPC_MAX_CONNECTION_AGE: '1 day' is not a duration; use e.g. 250ms, 10s, 1h30m or 24h",
        refusal(() -> env(Map.of("GRPC_MAX_CONNECTION_AGE", "1 day")).settings(false)));
    assertEquals("GRPC_MAX_CONNECTION_AGE must be positive, got 0",
        refusal(() -> env(Map.of("GRPC_MAX_CONNECTION_AGE", "0")).settings(false)));
  }

  @Test
  void aClientSanNeedsMutualTls() {
    assertEquals("GRPC_CLIENT_TLS_SAN needs mTLS: set GRPC_CLIENT_TLS_CACERT (and the server's GRPC_SERVER_TLS_CERT "
        + "and GRPC_SERVER_TLS_KEY) too",
        refusal(() -> env(Map.of("GRPC_CLIENT_TLS_SAN", "envoy.example")).settings(false)));
    assertEquals(Optional.of("envoy.example"),
        env(Map.of("GRPC_CLIENT_TLS_SAN", "envoy.example")).settings(true).grpcClientTlsSan());
  }

  @Test
  void aStaleSocketFileIsReplacedButAnyOtherFileIsNot(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("ratelimit.sock"), "not a socket");
    assertEquals("GRPC_UDS: " + file + " exists and is not a socket",
        refusal(() -> env(Map.of("GRPC_UDS", file.toString())).settings(false)));
    Path fresh = dir.resolve("fresh.sock");
    assertEquals(Optional.of(fresh), env(Map.of("GRPC_UDS", fresh.toString())).settings(false).grpcUds());
  }
}
