package io.egressratelimit.testing.envoy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A shipped Envoy config as a test runs it: the file as written, with the admin port and every
 * static listener moved to a free port, and the named clusters pointed at the given local ports.
 * A cluster that reached one of the moved ports (the observability listener's route to the admin
 * interface) follows it. Everything else, the filter chain above all, is the file as shipped.
 */
final class LocalEnvoyConfig {
  private final Map<String, Object> tree;
  private final int adminPort;
  private final Map<String, Integer> listenerPorts;

  private LocalEnvoyConfig(Map<String, Object> tree, int adminPort, Map<String, Integer> listenerPorts) {
    this.tree = tree;
    this.adminPort = adminPort;
    this.listenerPorts = listenerPorts;
  }

  /**
   * @param clusterPorts cluster name to the 127.0.0.1 ports of its endpoints
   * @param edit applied to the parsed tree first, for a test that needs a route or field the shipped file lacks
   */
  static LocalEnvoyConfig of(Path shipped, Map<String, List<Integer>> clusterPorts, Consumer<Map<String, Object>> edit,
      PortSource ports) {
    Map<String, Object> tree = parse(shipped);
    edit.accept(tree);
    Map<Integer, Integer> moved = new HashMap<>();
    int adminPort = ports.next();
    Map<String, Object> adminAddress = socketAddress(map(tree, "admin"));
    moved.put(intValue(adminAddress.get("port_value")), adminPort);
    adminAddress.put("port_value", adminPort);

    Map<String, Integer> listenerPorts = new LinkedHashMap<>();
    Map<String, Object> resources = map(tree, "static_resources");
    for (Map<String, Object> listener : list(resources, "listeners")) {
      if (!listener.containsKey("address")) {
        continue; // an internal listener: no socket
      }
      Map<String, Object> address = socketAddress(listener);
      int port = ports.next();
      moved.put(intValue(address.get("port_value")), port);
      address.put("port_value", port);
      listenerPorts.put(String.valueOf(listener.get("name")), port);
    }
    for (Map<String, Object> cluster : list(resources, "clusters")) {
      List<Integer> given = clusterPorts.get(String.valueOf(cluster.get("name")));
      if (given != null) {
        cluster.put("load_assignment", loadAssignment(String.valueOf(cluster.get("name")), given));
      } else {
        followMovedPorts(cluster, moved);
      }
    }
    return new LocalEnvoyConfig(tree, adminPort, listenerPorts);
  }

  /** A source of free ports, so a start that lost a port to another process can draw new ones. */
  interface PortSource {
    int next();
  }

  int adminPort() {
    return adminPort;
  }

  Map<String, Integer> listenerPorts() {
    return listenerPorts;
  }

  Path writeTo(Path file) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setWidth(200);
    try {
      Files.writeString(file, new Yaml(options).dump(tree));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> parse(Path shipped) {
    try {
      Object root = new Yaml(new LoaderOptions()).load(Files.readString(shipped));
      if (!(root instanceof Map)) {
        throw new IllegalArgumentException(shipped + " is not a YAML map");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> tree = (Map<String, Object>) root;
      return tree;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void followMovedPorts(Map<String, Object> cluster, Map<Integer, Integer> moved) {
    Object assignment = cluster.get("load_assignment");
    if (!(assignment instanceof Map)) {
      return;
    }
    for (Map<String, Object> locality : list(asMap(assignment), "endpoints")) {
      for (Map<String, Object> lbEndpoint : list(locality, "lb_endpoints")) {
        Map<String, Object> endpointAddress = map(map(lbEndpoint, "endpoint"), "address");
        if (!endpointAddress.containsKey("socket_address")) {
          continue; // an internal listener's address
        }
        Map<String, Object> address = map(endpointAddress, "socket_address");
        Integer to = moved.get(intValue(address.get("port_value")));
        if (to != null) {
          address.put("port_value", to);
        }
      }
    }
  }

  private static Map<String, Object> loadAssignment(String cluster, List<Integer> ports) {
    List<Object> lbEndpoints = new ArrayList<>();
    for (int port : ports) {
      Map<String, Object> socket = new LinkedHashMap<>(Map.of("address", "127.0.0.1", "port_value", port));
      lbEndpoints.add(Map.of("endpoint", Map.of("address", Map.of("socket_address", socket))));
    }
    return new LinkedHashMap<>(Map.of("cluster_name", cluster, "endpoints", List.of(Map.of("lb_endpoints", lbEndpoints))));
  }

  private static Map<String, Object> socketAddress(Map<String, Object> holder) {
    return map(map(holder, "address"), "socket_address");
  }

  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object child = parent.get(key);
    if (!(child instanceof Map)) {
      throw new IllegalArgumentException("the Envoy config has no map at '" + key + "' (in " + parent.keySet() + ")");
    }
    return asMap(child);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    Object child = parent.get(key);
    return child instanceof List ? (List<Map<String, Object>>) child : List.of();
  }

  private static int intValue(Object value) {
    return value instanceof Number number ? number.intValue() : Integer.parseInt(String.valueOf(value));
  }
}
