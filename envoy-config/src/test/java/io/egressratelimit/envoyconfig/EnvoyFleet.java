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
  private final List<AutoCloseable> started;
  private final List<EnvoyProcess> envoys;
  private final List<ServiceProcess> replicas;
  private final StubUpstream upstream;

  private EnvoyFleet(List<AutoCloseable> started, List<EnvoyProcess> envoys, List<ServiceProcess> replicas,
      StubUpstream upstream) {
    this.started = started;
    this.envoys = envoys;
    this.replicas = replicas;
    this.upstream = upstream;
  }

  /**
   * @param limitsYaml the service's limits file (one domain)
   * @param envoyFile the shipped Envoy config every Envoy runs
   * @param edit applied to each Envoy's config before it starts
   */
  static EnvoyFleet start(String test, String limitsYaml, int envoyCount, String envoyFile,
      Consumer<Map<String, Object>> edit) throws Exception {
    return start(test, limitsYaml, envoyCount, envoyFile, "geocode_upstream", Optional.empty(), edit);
  }

  /**
   * @param upstreamCluster the Envoy cluster that leads to the stub upstream
   * @param usage when present, the stub answers as a usage-priced API whose calls cost this
   */
  static EnvoyFleet start(String test, String limitsYaml, int envoyCount, String envoyFile, String upstreamCluster,
      Optional<UsageCost> usage, Consumer<Map<String, Object>> edit) throws Exception {
    Path logs = EnvoyFiles.moduleDir().resolve("target/it-logs").resolve(test);
    deleteRecursively(logs); // logs are appended to: an earlier run's lines would name its ports
    Files.createDirectories(logs);
    Path limits = Files.createDirectories(logs.resolve("limits"));
    Files.writeString(limits.resolve("limits.yaml"), limitsYaml);
    List<AutoCloseable> started = new ArrayList<>();
    try {
      RedisServerProcess redis = remember(started, RedisServerProcess.start());
      List<ServiceProcess> replicas = new ArrayList<>();
      for (int i = 1; i <= 2; i++) {
        replicas.add(remember(started, ServiceProcess.onFreePorts("replica-" + i, logs, Map.of(),
            "--config", limits.toString(), "--redis-url", redis.url())));
      }
      StubUpstream upstream = remember(started, StubUpstream.start("127.0.0.1", 0, 8, usage));
      List<EnvoyProcess> envoys = new ArrayList<>();
      for (int i = 1; i <= envoyCount; i++) {
        envoys.add(remember(started, EnvoyProcess.from(EnvoyFiles.envoyFile(envoyFile))
            .name("envoy-" + i).logDir(logs)
            .cluster("ratelimit", replicas.get(0).grpcPort(), replicas.get(1).grpcPort())
            .cluster(upstreamCluster, upstream.port())
            .edit(edit)
            .start()));
      }
      return new EnvoyFleet(started, envoys, replicas, upstream);
    } catch (Exception | Error e) {
      closeAll(started);
      throw e;
    }
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
