package io.egressratelimit.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
    ServerSettings settings = new ServerSettings(
        configPath, host, grpcPort, httpPort, Optional.ofNullable(redisUrl).filter(u -> !u.isBlank()), drainPeriod);
    return RateLimitServer.run(settings);
  }

  private static void checkPort(String flag, int port) {
    if (port < 0 || port > 65535) {
      throw new SettingsException(flag + " must be between 0 and 65535, got " + port);
    }
  }
}
