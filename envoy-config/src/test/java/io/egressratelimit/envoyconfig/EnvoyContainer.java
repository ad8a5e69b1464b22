package io.egressratelimit.envoyconfig;

import java.time.Duration;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * The official Envoy image running one of our local configs, its clusters pointed at processes on
 * the host, started once its /ready answers. Only where a Docker engine runs.
 */
final class EnvoyContainer {
  static final DockerImageName IMAGE =
      DockerImageName.parse(System.getProperty("envoy.image", "envoyproxy/envoy:v1.34-latest"));
  static final int LISTENER_PORT = 10000;
  static final int OBSERVABILITY_PORT = 9902;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private EnvoyContainer() {}

  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  static String skipReason() {
    return "no Docker engine: this test runs Envoy from the " + IMAGE + " image";
  }

  /**
   * @param localFile envoy-local.yaml or envoy-rlqs-local.yaml
   * @param hostPorts cluster name to the host port it must reach
   */
  static GenericContainer<?> start(String localFile, Map<String, Integer> hostPorts) throws EnvoyConfigException {
    hostPorts.values().forEach(Testcontainers::exposeHostPorts);
    String config = ContainerBootstrap.json(
        BootstrapLoader.load(EnvoyFiles.envoyFile(localFile)).bootstrap(), "host.testcontainers.internal", hostPorts);
    GenericContainer<?> envoy = new GenericContainer<>(IMAGE)
        .withCopyToContainer(Transferable.of(config), "/etc/envoy/envoy.json")
        .withCommand("-c", "/etc/envoy/envoy.json", "--log-level", "warn")
        .withExposedPorts(LISTENER_PORT, OBSERVABILITY_PORT)
        .waitingFor(Wait.forHttp("/ready").forPort(OBSERVABILITY_PORT).forStatusCode(200)
            .withStartupTimeout(START_TIMEOUT));
    envoy.start();
    return envoy;
  }

  static String baseUrl(GenericContainer<?> envoy) {
    return "http://" + envoy.getHost() + ":" + envoy.getMappedPort(LISTENER_PORT);
  }
}
