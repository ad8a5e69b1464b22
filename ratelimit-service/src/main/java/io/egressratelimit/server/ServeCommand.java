package io.egressratelimit.server;

import io.egressratelimit.limiter.FailurePolicies;
import io.egressratelimit.limiter.FailurePolicy;
import io.egressratelimit.redis.RedisStoreSettings;
import io.egressratelimit.redis.RedisTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;

/** The flags of the service. Each falls back to an environment variable named as envoyproxy/ratelimit names it. */
@Command(
    name = "ratelimit-service",
    mixinStandardHelpOptions = true,
    description = "Envoy RateLimitService v3 with one exact budget shared by every replica.",
    subcommands = HealthCommand.class,
    showDefaultValues = true)
public final class ServeCommand implements Callable<Integer> {

  @Option(names = "--config", defaultValue = "${env:CONFIG_PATH}", paramLabel = "PATH",
      description = "Limits YAML file, or a directory of them (one domain per file). Env: CONFIG_PATH.")
  Path configPath;

  @Option(names = "--host", defaultValue = "${env:HOST:-0.0.0.0}",
      description = "Address to bind the gRPC and HTTP servers to. Env: HOST.")
  String host;

  @Option(names = "--grpc-port", defaultValue = "${env:GRPC_PORT:-8081}",
      description = "gRPC port for Envoy's RateLimitService. Env: GRPC_PORT.")
  int grpcPort;

  @Option(names = "--http-port", defaultValue = "${env:PORT:-8080}",
      description = "Admin HTTP port (health, metrics, config). Env: PORT.")
  int httpPort;

  @Option(names = "--redis-url", defaultValue = "${env:REDIS_URL}", paramLabel = "URL",
      description = "Redis URL (redis:// or rediss://). Without it the embedded in-memory store is used, "
          + "and each process has its own budget. Env: REDIS_URL.")
  String redisUrl;

  @Option(names = "--redis-type", defaultValue = "${env:REDIS_TYPE:-single}",
      description = "single, sentinel or cluster. Env: REDIS_TYPE.")
  String redisType;

  @Option(names = "--redis-auth", defaultValue = "${env:REDIS_AUTH}", showDefaultValue = Help.Visibility.NEVER,
      paramLabel = "PASSWORD", description = "Redis password, if not in the URL. Never logged. Env: REDIS_AUTH.")
  String redisAuth;

  @Option(names = "--cache-key-prefix", defaultValue = "${env:CACHE_KEY_PREFIX:-ratelimit:}",
      description = "Prefix of every Redis key. Env: CACHE_KEY_PREFIX.")
  String keyPrefix;

  @Option(names = "--backend-timeout", defaultValue = "${env:BACKEND_TIMEOUT:-10ms}", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Longest wait for Redis before the failure policy applies; keep it well inside Envoy's "
          + "20 ms filter timeout. Env: BACKEND_TIMEOUT.")
  Duration backendTimeout;

  @Option(names = "--redis-max-in-flight", defaultValue = "${env:REDIS_MAX_IN_FLIGHT:-2}",
      description = "Script calls on the wire per cluster slot; requests arriving meanwhile share the next call. "
          + "Env: REDIS_MAX_IN_FLIGHT.")
  int maxInFlight;

  @Option(names = "--failure-policy", defaultValue = "${env:FAILURE_POLICY:-unavailable}",
      description = "When the store cannot answer: unavailable (gRPC UNAVAILABLE, so Envoy's failure_mode_deny "
          + "decides), deny (OVER_LIMIT) or allow (OK). Env: FAILURE_POLICY.")
  String failurePolicy;

  @Option(names = "--failure-policy-domains", defaultValue = "${env:FAILURE_POLICY_DOMAINS:-}",
      paramLabel = "DOMAIN=POLICY,...", description = "Per-domain failure policies, e.g. geocode=deny. "
          + "Env: FAILURE_POLICY_DOMAINS.")
  String failurePolicyDomains;

  @Option(names = "--over-limit-cache-size", defaultValue = "${env:OVER_LIMIT_CACHE_SIZE:-100000}",
      description = "Buckets remembered as empty and answered locally until their next token; 0 disables. "
          + "Env: OVER_LIMIT_CACHE_SIZE.")
  int overLimitCacheSize;

  @Option(names = "--drain-period", defaultValue = "${env:DRAIN_PERIOD:-5s}", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long in-flight calls may take to finish on SIGTERM. Env: DRAIN_PERIOD.")
  Duration drainPeriod;

  @Override
  public Integer call() {
    if (configPath == null) {
      throw new SettingsException("--config (or CONFIG_PATH) is required: the limits YAML file or directory");
    }
    checkPort("--grpc-port", grpcPort);
    checkPort("--http-port", httpPort);
    if (overLimitCacheSize < 0) {
      throw new SettingsException("--over-limit-cache-size must not be negative, got " + overLimitCacheSize);
    }
    ServerSettings settings = new ServerSettings(configPath, host, grpcPort, httpPort, redisSettings(),
        failurePolicies(), overLimitCacheSize, drainPeriod);
    return RateLimitServer.run(settings);
  }

  private Optional<RedisStoreSettings> redisSettings() {
    if (redisUrl == null || redisUrl.isBlank()) {
      return Optional.empty();
    }
    if (backendTimeout.isZero() || backendTimeout.isNegative()) {
      throw new SettingsException("--backend-timeout must be positive, got " + backendTimeout.toMillis() + "ms");
    }
    if (maxInFlight < 1) {
      throw new SettingsException("--redis-max-in-flight must be at least 1, got " + maxInFlight);
    }
    try {
      return Optional.of(new RedisStoreSettings(redisUrl.trim(), RedisTopology.parse(redisType),
          Optional.ofNullable(redisAuth).filter(a -> !a.isEmpty()), keyPrefix, backendTimeout, maxInFlight));
    } catch (IllegalArgumentException e) {
      throw new SettingsException(e.getMessage());
    }
  }

  private FailurePolicies failurePolicies() {
    try {
      return new FailurePolicies(FailurePolicy.parse(failurePolicy), FailurePolicies.parseOverrides(failurePolicyDomains));
    } catch (IllegalArgumentException e) {
      throw new SettingsException("--failure-policy: " + e.getMessage());
    }
  }

  private static void checkPort(String flag, int port) {
    if (port < 0 || port > 65535) {
      throw new SettingsException(flag + " must be between 0 and 65535, got " + port);
    }
  }
}
