package io.egressratelimit.envoyconfig;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.Map;

/**
 * envoy-local.yaml as a container runs it: listeners on every interface of the container, and the
 * service and stub upstream reached on the host through the given name. Everything else, the
 * filter chain above all, is the file as shipped.
 */
final class ContainerBootstrap {
  private ContainerBootstrap() {}

  /** @param hostPorts cluster name to the host port that cluster must reach */
  static String json(Bootstrap local, String hostName, Map<String, Integer> hostPorts) {
    Bootstrap.Builder bootstrap = local.toBuilder();
    for (Listener.Builder listener : bootstrap.getStaticResourcesBuilder().getListenersBuilderList()) {
      listener.getAddressBuilder().getSocketAddressBuilder().setAddress("0.0.0.0");
    }
    for (Cluster.Builder cluster : bootstrap.getStaticResourcesBuilder().getClustersBuilderList()) {
      Integer port = hostPorts.get(cluster.getName());
      if (port != null) {
        cluster.setType(Cluster.DiscoveryType.STRICT_DNS).setLoadAssignment(oneEndpoint(cluster.getName(), hostName, port));
      }
    }
    try {
      return JsonFormat.printer().usingTypeRegistry(EnvoyTypes.registry()).preservingProtoFieldNames().print(bootstrap);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a parsed bootstrap prints as JSON", e);
    }
  }

  private static ClusterLoadAssignment oneEndpoint(String clusterName, String host, int port) {
    Address address = Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port))
        .build();
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(clusterName)
        .addEndpoints(LocalityLbEndpoints.newBuilder()
            .addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(address))))
        .build();
  }
}
