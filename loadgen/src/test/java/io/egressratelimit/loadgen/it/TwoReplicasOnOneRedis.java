package io.egressratelimit.loadgen.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.egressratelimit.loadgen.cli.LoadgenCommand;
import io.egressratelimit.loadgen.upstream.StubUpstream;
import io.egressratelimit.loadgen.upstream.UpstreamStats;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.redis.ClusterFixture;
import io.egressratelimit.testing.redis.RedisNode;
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
 * The fleet the end-to-end tests judge the budget on: a real redis-server (or a Redis Cluster of
 * three masters), two service replicas started from the packaged jar as a user would start them,
 * sharing one limits file for the domain {@code geocode}, and the stub upstream that times every
 * call that got through.
 */
final class TwoReplicasOnOneRedis implements AutoCloseable {
  /** What one loadgen run printed and how it exited. */
  record Run(int exit, String output) {}

  private final AutoCloseable redis;
  private final ServiceProcess first;
  private final ServiceProcess second;
  private final StubUpstream upstream;

  private TwoReplicasOnOneRedis(AutoCloseable redis, ServiceProcess first, ServiceProcess second,
      StubUpstream upstream) {
    this.redis = redis;
    this.first = first;
    this.second = second;
    this.upstream = upstream;
  }

  /** Starts the fleet with the rule {@code [generic_key=geocode]} limited by {@code rateLimitLines}. */
  static TwoReplicasOnOneRedis start(Path dir, String... rateLimitLines) throws Exception {
    return start(dir, List.of(), OneServer::new, rateLimitLines);
  }

  /**
   * Starts the fleet on a Redis Cluster of three masters, with the rule {@code [generic_key=geocode]}
   * limited by {@code rateLimitLines} and the further descriptors {@code moreRules} (limits-file
   * lines, at the depth of a descriptor).
   */
  static TwoReplicasOnOneRedis startOnCluster(Path dir, List<String> moreRules, String... rateLimitLines)
      throws Exception {
    return start(dir, moreRules, ClusterOfThree::start, rateLimitLines);
  }

  /** Where the replicas keep their buckets. */
  private interface RedisUnderTest extends AutoCloseable {
    /** The replicas' Redis flags. */
    List<String> flags();
  }

  private interface RedisStarter {
    RedisUnderTest start() throws Exception;
  }

  private static TwoReplicasOnOneRedis start(Path dir, List<String> moreRules, RedisStarter redisStarter,
      String... rateLimitLines) throws Exception {
    Path limits = Files.createDirectory(dir.resolve("limits"));
    List<String> yaml = new ArrayList<>(List.of("domain: geocode", "descriptors:", "  - key: generic_key",
        "    value: geocode", "    rate_limit:"));
    for (String line : rateLimitLines) {
      yaml.add("      " + line);
    }
    yaml.addAll(moreRules);
    yaml.add("");
    Files.writeString(limits.resolve("geocode.yaml"), String.join("\n", yaml));
    List<AutoCloseable> started = new ArrayList<>();
    try {
      RedisUnderTest redis = remember(started, redisStarter.start());
      ServiceProcess first = remember(started, replica("replica-1", dir, limits, redis.flags()));
      ServiceProcess second = remember(started, replica("replica-2", dir, limits, redis.flags()));
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

  private static ServiceProcess replica(String name, Path dir, Path limits, List<String> redisFlags) {
    List<String> args = new ArrayList<>(List.of("--config", limits.toString()));
    args.addAll(redisFlags);
    return ServiceProcess.fromPackagedJarOnFreePorts(name, dir, List.of(), args.toArray(String[]::new));
  }

  /** The masters of the cluster, when the fleet runs on one; empty on a single redis-server. */
  List<RedisNode> masters() {
    return redis instanceof ClusterOfThree cluster ? cluster.fixture.masters() : List.of();
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

  /**
   * The product's promise, checked: six backoff-aware workers call both replicas for 20 s through the
   * rls path with Envoy's failure_mode_deny, and the upstream never sees more than {@code budget} in
   * any {@code window}, though the run spends more than one window's budget and meets 429s.
   *
   * @param descriptors loadgen arguments naming the descriptors, none for loadgen's default
   */
  void assertBudgetHeld(Path summary, int budget, Duration window, List<String> descriptors) throws Exception {
    List<String> args = new ArrayList<>(List.of("rls"));
    args.addAll(targets("--rls"));
    args.addAll(List.of("--upstream", upstreamUrl()));
    args.addAll(descriptors);
    args.addAll(List.of("--workers", "6", "--duration", "20s", "--start-jitter", "2s",
        "--budget", Integer.toString(budget), "--window", window.toSeconds() + "s", "--failure-mode-deny",
        "--json", summary.toString()));
    Run run = loadgen(args);
    String out = run.output();

    UpstreamStats seen = seen(window);
    assertTrue(seen.maxInWindow() <= budget, "upstream saw " + seen.maxInWindow() + " in a window\n" + out);
    assertTrue(seen.total() > budget, "the run must span more than one window's budget to test anything\n" + out);
    assertEquals(0, run.exit(), out);
    JsonObject json = JsonParser.parseString(Files.readString(summary)).getAsJsonObject();
    assertTrue(json.get("status429").getAsLong() > 0, "no 429s: the budget was never tested\n" + out);
    assertEquals(seen.total(), json.get("status2xx").getAsLong(), "every admitted call reached the upstream");
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

  /** One redis-server process. */
  private static final class OneServer implements RedisUnderTest {
    private final RedisServerProcess server = RedisServerProcess.start();

    @Override
    public List<String> flags() {
      return List.of("--redis-url", server.url());
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** A Redis Cluster of three masters. */
  private static final class ClusterOfThree implements RedisUnderTest {
    private final ClusterFixture fixture = ClusterFixture.start();

    static ClusterOfThree start() {
      return new ClusterOfThree();
    }

    @Override
    public List<String> flags() {
      return List.of("--redis-type", "cluster", "--redis-url", fixture.seeds());
    }

    @Override
    public void close() {
      fixture.close();
    }
  }
}
