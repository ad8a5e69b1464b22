package io.egressratelimit.envoyconfig;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.EnvoyInternalAddress;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every cluster the config names, by a route or inside a filter's own config (the ratelimit
 * filter's gRPC service), is defined in {@code static_resources.clusters}, once, and every internal
 * listener an endpoint names is a listener with {@code internal_listener} set. Envoy itself would
 * refuse a missing one only at start, and a missing RLS cluster behind a fail-closed filter
 * refuses every call.
 */
final class ClusterReferences {
  /** Message type to the field of it that holds a cluster name. */
  private static final Map<String, String> REFERENCE_FIELDS = Map.of(
      "envoy.config.route.v3.RouteAction", "cluster",
      "envoy.config.route.v3.WeightedCluster.ClusterWeight", "name",
      "envoy.config.route.v3.RouteAction.RequestMirrorPolicy", "cluster",
      "envoy.config.core.v3.GrpcService.EnvoyGrpc", "cluster_name",
      "envoy.config.core.v3.HttpUri", "cluster");

  private ClusterReferences() {}

  static void check(LoadedBootstrap loaded) throws EnvoyConfigException {
    List<String> problems = new ArrayList<>();
    Set<String> defined = new LinkedHashSet<>();
    for (Cluster cluster : loaded.bootstrap().getStaticResources().getClustersList()) {
      if (!defined.add(cluster.getName())) {
        problems.add(loaded.fileName() + ": cluster '" + cluster.getName() + "' is defined twice");
      }
    }
    Set<String> internalListeners = new LinkedHashSet<>();
    for (Listener listener : loaded.bootstrap().getStaticResources().getListenersList()) {
      if (listener.hasInternalListener()) {
        internalListeners.add(listener.getName());
      }
    }
    MessageTree.walk(loaded.bootstrap(), (path, message, unpackedFromAny) -> {
      if (message instanceof EnvoyInternalAddress internal
          && !internalListeners.contains(internal.getServerListenerName())) {
        problems.add(loaded.fileName() + ": " + path + ".server_listener_name names '" + internal.getServerListenerName()
            + "', which is not an internal listener; internal listeners: " + internalListeners);
      }
      String field = REFERENCE_FIELDS.get(message.getDescriptorForType().getFullName());
      String named = field == null ? "" : (String) message.getField(fieldOf(message, field));
      if (!named.isEmpty() && !defined.contains(named)) {
        problems.add(loaded.fileName() + ": " + path + "." + field + " names cluster '" + named
            + "', which is not defined; defined clusters: " + defined);
      }
    });
    if (!problems.isEmpty()) {
      throw new EnvoyConfigException(String.join("\n", problems));
    }
  }

  private static FieldDescriptor fieldOf(Message message, String name) {
    return message.getDescriptorForType().findFieldByName(name);
  }
}
