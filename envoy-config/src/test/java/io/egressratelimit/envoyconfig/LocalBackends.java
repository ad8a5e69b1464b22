package io.egressratelimit.envoyconfig;

import io.egressratelimit.testing.ChildProcess;
import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.JavaCommand;
import io.egressratelimit.testing.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a containerized Envoy sits in front of: the rate limit service and the stub upstream, each
 * a process of this build started from the test classpath, with their logs under target/it-logs
 * (part of the failure message when one does not come up).
 */
final class LocalBackends implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final ServiceProcess service;
  private final ChildProcess upstream;
  private final int upstreamPort;

  private LocalBackends(ServiceProcess service, ChildProcess upstream, int upstreamPort) {
    this.service = service;
    this.upstream = upstream;
    this.upstreamPort = upstreamPort;
  }

  /** Returns once the service is healthy and the upstream listens. */
  static LocalBackends start(Path limits) throws IOException {
    Path logs = Files.createDirectories(EnvoyFiles.moduleDir().resolve("target/it-logs"));
    ServiceProcess service = ServiceProcess.onFreePorts("ratelimit-service", logs, Map.of(),
        "--config", limits.toString());
    int upstreamPort = FreePort.find();
    ChildProcess upstream = ChildProcess.start("stub-upstream", JavaCommand.mainClass(List.of(),
        "io.egressratelimit.loadgen.Main", List.of("upstream", "--port", String.valueOf(upstreamPort))),
        Optional.empty(), logs.resolve("stub-upstream.log"));
    try {
      upstream.awaitListening(upstreamPort, START_TIMEOUT);
    } catch (IllegalStateException e) {
      upstream.close();
      service.close();
      throw e;
    }
    return new LocalBackends(service, upstream, upstreamPort);
  }

  /** The ports Envoy's clusters point at, by cluster name. */
  Map<String, Integer> clusterPorts() {
    return Map.of("ratelimit", service.grpcPort(), "geocode_upstream", upstreamPort);
  }

  String upstreamUrl() {
    return "http://127.0.0.1:" + upstreamPort;
  }

  @Override
  public void close() {
    upstream.close();
    service.close();
  }
}
