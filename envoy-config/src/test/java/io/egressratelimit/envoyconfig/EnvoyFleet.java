package io.egressratelimit.envoyconfig;

import io.egressratelimit.loadgen.upstream.StubUpstream;
import io.egressratelimit.loadgen.upstream.UpstreamStats;
import io.egressratelimit.loadgen.upstream.UsageCost;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.envoy.EnvoyProcess;
import io.egressratelimit.testing.redis.RedisServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The chain users run, every part real: Envoys (the pinned binary) running a shipped config, two
 * service replicas sharing one redis-server, and the stub upstream, which times every call that got
 * through and so gives the verdict. Logs and the configs each Envoy ran are under target/it-logs.
 */
final class EnvoyFleet implements AutoCloseable {
  static final String UPSTREAM = "geocode_upstream";

  private final List<AutoCloseable> started;
  private final Path logs;
  private final RedisServerProcess redis;
  private final List<String> serviceArgs;
  private final List<EnvoyProcess> envoys;
  private final List<ServiceProcess> replicas;
  private final Map<String, StubUpstream> upstreams;
  private final StubUpstream upstream;

  private EnvoyFleet(List<AutoCloseable> started, Path logs, RedisServerProcess redis, List<String> serviceArgs,
      List<EnvoyProcess> envoys, List<ServiceProcess> replicas, Map<String, StubUpstream> upstreams,
      StubUpstream upstream) {
    this.started = started;
    this.logs = logs;
    this.redis = redis;
    this.serviceArgs = serviceArgs;
    this.envoys = envoys;
    this.replicas = replicas;
    this.upstreams = upstreams;
    this.upstream = upstream;
  }

  /**
   * @param limitsYaml the service's limits file (one domain)
   * @param envoyFile the shipped Envoy config every Envoy runs
   * @param edit applied to each Envoy's config before it starts
   */
  static EnvoyFleet start(String test, String limitsYaml, int envoyCount, String envoyFile,
      Consumer<Map<String, Object>> edit) throws Exception {
    return builder(test, limitsYaml, envoyFile).envoys(envoyCount).edit(edit).start();
  }

  /**
   * @param upstreamCluster the Envoy cluster that leads to the stub upstream
   * @param usage when present, the stub answers as a usage-priced API whose calls cost this
   */
  static EnvoyFleet start(String test, String limitsYaml, int envoyCount, String envoyFile, String upstreamCluster,
      Optional<UsageCost> usage, Consumer<Map<String, Object>> edit) throws Exception {
    return builder(test, limitsYaml, envoyFile).envoys(envoyCount).upstreamCluster(upstreamCluster, usage).edit(edit)
        .start();
  }

  static Builder builder(String test, String limitsYaml, String envoyFile) {
    return new Builder(test, limitsYaml, envoyFile);
  }

  /** How to start a fleet; {@link EnvoyFleet#start} covers the usual one. */
  static final class Builder {
    private final String test;
    private final String limitsYaml;
    private final String envoyFile;
    private int envoyCount = 1;
    private Consumer<Map<String, Object>> edit = tree -> {};
    private final List<String> serviceArgs = new ArrayList<>();
    private String upstreamCluster = UPSTREAM;
    private Optional<UsageCost> usage = Optional.empty();
    private final List<String> moreUpstreams = new ArrayList<>();
    private boolean ownAddresses;

    private Builder(String test, String limitsYaml, String envoyFile) {
      this.test = test;
      this.limitsYaml = limitsYaml;
      this.envoyFile = envoyFile;
    }

    Builder envoys(int count) {
      this.envoyCount = count;
      return this;
    }

    Builder edit(Consumer<Map<String, Object>> change) {
      this.edit = this.edit.andThen(change);
      return this;
    }

    /** Flags every replica gets besides the limits and Redis, e.g. {@code --rlqs-assignment-ttl 7s}. */
    Builder serviceArgs(String... args) {
      serviceArgs.addAll(List.of(args));
      return this;
    }

    /**
     * Each Envoy connects to the service from an address of its own, {@link #address}, as pods do
     * from theirs: the service then tells the Envoys apart (its /budgets names them by address).
     */
    Builder ownAddresses() {
      this.ownAddresses = true;
      return this;
    }

    /** The cluster that leads to the stub upstream ({@link #UPSTREAM} by default), and what its calls cost. */
    Builder upstreamCluster(String cluster, Optional<UsageCost> cost) {
      this.upstreamCluster = cluster;
      this.usage = cost;
      return this;
    }

    /** One more stub upstream, behind a cluster of that name which the edit adds to the config. */
    Builder upstream(String cluster) {
      moreUpstreams.add(cluster);
      return this;
    }

    EnvoyFleet start() throws Exception {
      Path logs = EnvoyFiles.moduleDir().resolve("target/it-logs").resolve(test);
      deleteRecursively(logs); // logs are appended to: an earlier run's lines would name its ports
      Files.createDirectories(logs);
      Path limits = Files.createDirectories(logs.resolve("limits"));
      Files.writeString(limits.resolve("limits.yaml"), limitsYaml);
      List<AutoCloseable> started = new ArrayList<>();
      try {
        RedisServerProcess redis = remember(started, RedisServerProcess.start());
        List<String> args = new ArrayList<>(List.of("--config", limits.toString(), "--redis-url", redis.url()));
        args.addAll(serviceArgs);
        List<ServiceProcess> replicas = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
          replicas.add(remember(started, ServiceProcess.onFreePorts("replica-" + i, logs, Map.of(),
              args.toArray(String[]::new))));
        }
        Map<String, StubUpstream> upstreams = new LinkedHashMap<>();
        StubUpstream upstream = remember(started, StubUpstream.start("127.0.0.1", 0, 8, usage));
        upstreams.put(upstreamCluster, upstream);
        for (String cluster : moreUpstreams) {
          upstreams.put(cluster, remember(started, StubUpstream.start("127.0.0.1", 0, 8)));
        }
        List<EnvoyProcess> envoys = new ArrayList<>();
        for (int i = 1; i <= envoyCount; i++) {
          EnvoyProcess.Builder envoy = EnvoyProcess.from(EnvoyFiles.envoyFile(envoyFile))
              .name("envoy-" + i).logDir(logs)
              .cluster("ratelimit", replicas.get(0).grpcPort(), replicas.get(1).grpcPort())
              .edit(edit);
          if (ownAddresses) {
            String source = address(i - 1);
            envoy.edit(tree -> bindTo(tree, "ratelimit", source));
          }
          upstreams.forEach((cluster, stub) -> envoy.cluster(cluster, stub.port()));
          envoys.add(remember(started, envoy.start()));
        }
        return new EnvoyFleet(started, logs, redis, args, envoys, replicas, upstreams, upstream);
      } catch (Exception | Error e) {
        closeAll(started);
        throw e;
      }
    }
  }

  /** The address Envoy {@code index} (from 0) connects to the service from, with {@link Builder#ownAddresses}. */
  static String address(int index) {
    return "127.0.0." + (11 + index);
  }

  @SuppressWarnings("unchecked")
  private static void bindTo(Map<String, Object> tree, String cluster, String address) {
    for (Object each : (List<Object>) ((Map<String, Object>) tree.get("static_resources")).get("clusters")) {
      Map<String, Object> candidate = (Map<String, Object>) each;
      if (cluster.equals(candidate.get("name"))) {
        candidate.put("upstream_bind_config", Map.of("source_address", Map.of("address", address, "port_value", 0)));
        return;
      }
    }
    throw new IllegalArgumentException("no cluster '" + cluster + "'");
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  private static <T extends AutoCloseable> T remember(List<AutoCloseable> started, T part) {
    started.add(part);
    return part;
  }

  List<EnvoyProcess> envoys() {
    return envoys;
  }

  List<ServiceProcess> replicas() {
    return replicas;
  }

  RedisServerProcess redis() {
    return redis;
  }

  /**
   * Stops a replica as Kubernetes does (SIGTERM, then its drain) and starts it again on the same
   * ports, where the Envoys' cluster looks for it; returns once it is healthy.
   */
  void restartReplica(int index) {
    ServiceProcess old = replicas.get(index);
    old.terminate();
    old.awaitExit(Duration.ofSeconds(30));
    old.close();
    ServiceProcess restarted = ServiceProcess.onPorts("replica-" + (index + 1) + "-restarted", logs, Map.of(),
        old.grpcPort(), old.httpPort(), serviceArgs.toArray(String[]::new));
    started.add(restarted);
    replicas.set(index, restarted);
  }

  /** Geocode calls through one Envoy. */
  GatewayCalls calls(int envoy) {
    return new GatewayCalls(envoys.get(envoy).url("egress"), "http://127.0.0.1:" + upstream.port());
  }

  /** The stub upstream's own port, for its /stats. */
  int upstreamPort() {
    return upstream.port();
  }

  /** What reached the upstream, in sliding windows of this length, less a grace for transit jitter. */
  UpstreamStats seen(Duration window) {
    return upstreamStats(window, Duration.ofMillis(100));
  }

  UpstreamStats upstreamStats(Duration window, Duration grace) {
    return upstream.arrivals().stats(window, grace, 0);
  }

  /** What reached the stub upstream behind one cluster. */
  UpstreamStats seen(String cluster, Duration window) {
    return upstreams.get(cluster).arrivals().stats(window, Duration.ofMillis(100), 0);
  }

  @Override
  public void close() {
    closeAll(started);
  }

  private static void closeAll(List<AutoCloseable> started) {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }
}
