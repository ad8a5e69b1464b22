package io.egressratelimit.server;

import io.egressratelimit.limiter.FailurePolicies;
import io.egressratelimit.redis.RedisStoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Every setting of the service, read once at start-up. Nothing else reads flags or the environment.
 *
 * @param configPath a limits YAML file or a directory of them
 * @param host the address both servers bind to
 * @param grpcPort the RateLimitService port (0 picks a free one)
 * @param httpPort the admin HTTP port (0 picks a free one)
 * @param redis the Redis store; empty selects the embedded in-memory store
 * @param failurePolicies what a request gets when the store cannot answer
 * @param overLimitCacheSize buckets remembered as empty, answered without a round trip; 0 disables
 * @param drainPeriod how long in-flight calls may take to finish on shutdown
 */
public record ServerSettings(
    Path configPath,
    String host,
    int grpcPort,
    int httpPort,
    Optional<RedisStoreSettings> redis,
    FailurePolicies failurePolicies,
    int overLimitCacheSize,
    Duration drainPeriod) {

  /** Settings for a local in-memory service; tests start from here. */
  public static ServerSettings inMemory(Path configPath, int grpcPort, int httpPort) {
    return new ServerSettings(configPath, "127.0.0.1", grpcPort, httpPort, Optional.empty(), FailurePolicies.DEFAULT,
        10_000, Duration.ofSeconds(1));
  }

  public ServerSettings withRedis(RedisStoreSettings redisSettings) {
    return new ServerSettings(configPath, host, grpcPort, httpPort, Optional.of(redisSettings), failurePolicies,
        overLimitCacheSize, drainPeriod);
  }

  public ServerSettings withFailurePolicies(FailurePolicies policies) {
    return new ServerSettings(configPath, host, grpcPort, httpPort, redis, policies, overLimitCacheSize, drainPeriod);
  }
}
