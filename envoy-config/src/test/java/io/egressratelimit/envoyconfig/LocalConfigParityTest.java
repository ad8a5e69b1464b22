package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo config runs what production runs: it may point elsewhere, but a filter, a route or a
 * rate limit changed in one file and not the other fails here.
 */
class LocalConfigParityTest {
  private static Bootstrap production;
  private static Bootstrap local;

  @BeforeAll
  static void load() throws EnvoyConfigException {
    production = BootstrapLoader.load(EnvoyFiles.envoyFile(EnvoyFiles.PRODUCTION)).bootstrap();
    local = BootstrapLoader.load(EnvoyFiles.envoyFile(EnvoyFiles.LOCAL)).bootstrap();
  }

  @Test
  void listenersRunTheSameFilterChains() {
    assertEquals(names(production.getStaticResources().getListenersList(), Listener::getName),
        names(local.getStaticResources().getListenersList(), Listener::getName));
    for (int i = 0; i < production.getStaticResources().getListenersCount(); i++) {
      Listener expected = production.getStaticResources().getListeners(i);
      Listener actual = local.getStaticResources().getListeners(i);
      assertEquals(expected.getFilterChainsList(), actual.getFilterChainsList(), expected.getName());
      assertEquals(expected.getAddress().getSocketAddress().getPortValue(),
          actual.getAddress().getSocketAddress().getPortValue(), expected.getName() + " port");
    }
  }

  @Test
  void clustersHaveTheSameNamesAndTheServiceClusterTheSameProtocolAndHealthChecks() {
    assertEquals(names(production.getStaticResources().getClustersList(), Cluster::getName),
        names(local.getStaticResources().getClustersList(), Cluster::getName));
    Cluster expected = cluster(production, "ratelimit");
    Cluster actual = cluster(local, "ratelimit");
    assertEquals(expected.getTypedExtensionProtocolOptionsMap(), actual.getTypedExtensionProtocolOptionsMap());
    assertEquals(expected.getHealthChecksList(), actual.getHealthChecksList());
  }

  @Test
  void adminIsTheSame() {
    assertEquals(production.getAdmin(), local.getAdmin());
  }

  private static Cluster cluster(Bootstrap bootstrap, String name) {
    return bootstrap.getStaticResources().getClustersList().stream()
        .filter(cluster -> cluster.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no cluster " + name));
  }

  private static <T> List<String> names(List<T> items, Function<T, String> name) {
    return items.stream().map(name).toList();
  }
}
