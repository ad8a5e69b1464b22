package io.egressratelimit.server;

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
 * @param redisUrl the Redis store; empty selects the embedded in-memory store
 * @param drainPeriod how long in-flight calls may take to finish on shutdown
 */
public record ServerSettings(
    Path configPath, String host, int grpcPort, int httpPort, Optional<String> redisUrl, Duration drainPeriod) {}
