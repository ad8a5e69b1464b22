package io.egressratelimit.loadgen.it;

import io.egressratelimit.loadgen.cli.LoadgenCommand;
import io.egressratelimit.loadgen.upstream.StubUpstream;
import io.egressratelimit.loadgen.upstream.UpstreamStats;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.redis.RedisServerProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fleet the end-to-end tests judge the budget on: a real redis-server, two service replicas
 * started from the packaged jar as a user would start them, sharing one limits file for the domain
 * {@code geocode}, and the stub upstream that times every call that got through.
 */
final class TwoReplicasOnOneRedis implements AutoCloseable {
  /** What one loadgen run printed and how it exited. */
  record Run(int exit, String output) {}

  private final RedisServerProcess redis;
  private final ServiceProcess first;
  private final ServiceProcess second;
  private final StubUpstream upstream;

  private TwoReplicasOnOneRedis(RedisServerProcess redis, ServiceProcess first, ServiceProcess second,
      StubUpstream upstream) {
    this.redis = redis;
    this.first = first;
    this.second = second;
    this.upstream = upstream;
  }

  /** Starts the fleet with the rule {@code [generic_key=geocode]} limited by {@code rateLimitLines}. */
  static TwoReplicasOnOneRedis start(Path dir, String... rateLimitLines) throws Exception {
    Path limits = Files.createDirectory(dir.resolve("limits"));
    List<String> yaml = new ArrayList<>(List.of("domain: geocode", "descriptors:", "  - key: generic_key",
        "    value: geocode", "    rate_limit:"));
    for (String line : rateLimitLines) {
      yaml.add("      " + line);
    }
    yaml.add("");
    Files.writeString(limits.resolve("geocode.yaml"), String.join("\n", yaml));
    List<AutoCloseable> started = new ArrayList<>();
    try {
      RedisServerProcess redis = remember(started, RedisServerProcess.start());
      ServiceProcess first = remember(started, replica("replica-1", dir, limits, redis.url()));
      ServiceProcess second = remember(started, replica("replica-2", dir, limits, redis.url()));
      StubUpstream upstream = remember(started, StubUpstream.start("127.0.0.1", 0, 4));
      return new TwoReplicasOnOneRedis(redis, first, second, upstream);
    } catch (Exception | Error e) {
      for (int i = started.size() - 1; i >= 0; i--) {
        started.get(i).close();
      }
      throw e;
    }
  }

  private static <T extends AutoCloseable> T remember(List<AutoCloseable> started, T part) {
    started.add(part);
    return part;
  }

  private static ServiceProcess replica(String name, Path dir, Path limits, String redisUrl) {
    return ServiceProcess.fromPackagedJarOnFreePorts(name, dir, List.of(), "--config", limits.toString(),
        "--redis-url", redisUrl);
  }

  /** Replica targets in order, each after {@code flag}: {@code --rls A --rls B}. */
  List<String> targets(String flag) {
    return List.of(flag, first.grpcTarget(), flag, second.grpcTarget());
  }

  String upstreamUrl() {
    return "http://127.0.0.1:" + upstream.port();
  }

  /** Runs the load generator in this JVM; its summary is also printed, for the failsafe report. */
  Run loadgen(List<String> args) {
    StringWriter out = new StringWriter();
    int exit = LoadgenCommand.execute(args.toArray(String[]::new), Map.of("GEOCODE_API_KEY", "integration-test-key"),
        false, new PrintWriter(out, true), new PrintWriter(out, true));
    System.out.print(out);
    return new Run(exit, out.toString());
  }

  /** What reached the upstream; the grace (loadgen's default) allows for transit jitter. */
  UpstreamStats seen(Duration window) {
    return upstream.arrivals().stats(window, Duration.ofMillis(100), 0);
  }

  @Override
  public void close() throws Exception {
    try (redis; first; second; upstream) {
      // closes in reverse order: the upstream and the replicas first, Redis last
    }
  }
}
