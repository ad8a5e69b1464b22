package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The config the real-Envoy test hands to the container: still a valid bootstrap, the same filter
 * chains, only the addresses changed. (It runs here even where that test cannot.)
 */
class ContainerBootstrapTest {

  @Test
  void rewritesOnlyAddressesAndStaysValid() throws Exception {
    Bootstrap local = BootstrapLoader.load(EnvoyFiles.envoyFile(EnvoyFiles.LOCAL)).bootstrap();
    String json = ContainerBootstrap.json(local, "host.testcontainers.internal",
        Map.of("ratelimit", 18081, "geocode_upstream", 18090));
    LoadedBootstrap container = BootstrapLoader.parse("container.json", json);
    assertDoesNotThrow(() -> ValidationRules.check(container));
    assertDoesNotThrow(() -> ClusterReferences.check(container));

    Bootstrap rewritten = container.bootstrap();
    for (int i = 0; i < local.getStaticResources().getListenersCount(); i++) {
      assertEquals(local.getStaticResources().getListeners(i).getFilterChainsList(),
          rewritten.getStaticResources().getListeners(i).getFilterChainsList());
      assertEquals("0.0.0.0", rewritten.getStaticResources().getListeners(i).getAddress().getSocketAddress().getAddress());
    }
    assertEquals("host.testcontainers.internal:18081", onlyEndpoint(rewritten, "ratelimit"));
    assertEquals("host.testcontainers.internal:18090", onlyEndpoint(rewritten, "geocode_upstream"));
    assertEquals("127.0.0.1:9901", onlyEndpoint(rewritten, "envoy_admin"));
  }

  private static String onlyEndpoint(Bootstrap bootstrap, String clusterName) {
    Cluster cluster = bootstrap.getStaticResources().getClustersList().stream()
        .filter(c -> c.getName().equals(clusterName)).findFirst().orElseThrow();
    assertEquals(1, cluster.getLoadAssignment().getEndpoints(0).getLbEndpointsCount(), clusterName);
    var address = cluster.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress();
    return address.getAddress() + ":" + address.getPortValue();
  }
}
