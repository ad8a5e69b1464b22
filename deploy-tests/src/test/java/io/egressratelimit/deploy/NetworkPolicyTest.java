package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The policies shut every pod of the release in, then open exactly the conversations the system
 * has. A conversation exists only where the sender's egress and the receiver's ingress both allow
 * it, so the tests compute that graph and compare it with the intended one.
 */
class NetworkPolicyTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void aDefaultDenyCoversEveryPodInBothDirections(Scenario scenario) {
    Rendered rendered = ChartRenderer.render(scenario);
    NetworkPolicy deny = rendered.get(NetworkPolicy.class, "default-deny");

    assertEquals(Set.of("Ingress", "Egress"), Set.copyOf(deny.getSpec().getPolicyTypes()));
    assertTrue(deny.getSpec().getIngress().isEmpty() && deny.getSpec().getEgress().isEmpty());
    for (PodTemplate pod : rendered.podTemplates()) {
      assertTrue(LabelSelectors.matches(deny.getSpec().getPodSelector(), pod.labels()), pod.owner() + " escapes the default deny");
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void podsTalkExactlyAlongTheIntendedEdges(Scenario scenario) {
    Set<String> expected = new TreeSet<>(Set.of(
        "loadgen -> envoy:10000", "envoy -> ratelimit:8081", "test -> ratelimit:8081"));
    if (scenario != Scenario.EXTERNAL_REDIS) {
      expected.add("ratelimit -> redis:6379");
    }
    if (scenario == Scenario.STUB_UPSTREAM) {
      expected.add("envoy -> stub-upstream:8090");
    }
    assertEquals(expected, podToPodEdges(ChartRenderer.render(scenario)));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void onlyEnvoyLeavesTheClusterOnPort443AndTheServiceOnlyForAnExternalRedis(Scenario scenario) {
    Set<String> expected = new TreeSet<>();
    if (scenario != Scenario.STUB_UPSTREAM) {
      expected.add("envoy -> outside:443");
    }
    if (scenario == Scenario.EXTERNAL_REDIS) {
      expected.addAll(Set.of("ratelimit -> outside:6379", "ratelimit -> outside:26379"));
    }
    assertEquals(expected, egressOutsideTheRelease(ChartRenderer.render(scenario)));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void everyAllowNamesRealPodsAndAPortTheirServicesExpose(Scenario scenario) {
    Rendered rendered = ChartRenderer.render(scenario);
    for (NetworkPolicy policy : rendered.all(NetworkPolicy.class)) {
      String name = policy.getMetadata().getName();
      List<PodTemplate> selected = selectedPods(rendered, policy);
      assertFalse(selected.isEmpty(), name + " selects no pod of the release");
      for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
        assertFalse(rule.getPorts().isEmpty(), name + " allows ingress on every port");
        for (NetworkPolicyPeer peer : rule.getFrom()) {
          if (peer.getNamespaceSelector() != null) {
            continue; // pods of another namespace: Prometheus scraping the admin port, see MonitoringTest
          }
          assertFalse(peersInRelease(rendered, peer).isEmpty(), name + " allows ingress from pods that do not exist: " + peer);
        }
        for (PodTemplate target : selected) {
          for (NetworkPolicyPort port : rule.getPorts()) {
            assertTrue(servicePorts(rendered, target).contains(port.getPort().getIntVal()),
                name + ": port " + port.getPort().getIntVal() + " is no Service port of " + target.owner());
          }
        }
      }
      for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
        assertFalse(rule.getPorts().isEmpty(), name + " allows egress on every port");
        for (NetworkPolicyPeer peer : rule.getTo()) {
          if (peer.getPodSelector() == null || peer.getNamespaceSelector() != null) {
            continue; // an address range, or the cluster DNS in its own namespace
          }
          List<PodTemplate> targets = peersInRelease(rendered, peer);
          assertFalse(targets.isEmpty(), name + " allows egress to pods that do not exist: " + peer);
          for (PodTemplate target : targets) {
            for (NetworkPolicyPort port : rule.getPorts()) {
              assertTrue(servicePorts(rendered, target).contains(port.getPort().getIntVal()),
                  name + ": port " + port.getPort().getIntVal() + " is no Service port of " + target.owner());
            }
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Scenario.class, names = "EXTERNAL_REDIS", mode = EnumSource.Mode.EXCLUDE)
  void redisAcceptsConnectionsFromTheServicePodsOnly(Scenario scenario) {
    Rendered rendered = ChartRenderer.render(scenario);
    PodTemplate redis = rendered.podTemplate("redis");
    for (NetworkPolicy policy : rendered.all(NetworkPolicy.class)) {
      if (!LabelSelectors.matches(policy.getSpec().getPodSelector(), redis.labels())) {
        continue;
      }
      for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
        for (NetworkPolicyPeer peer : rule.getFrom()) {
          assertTrue(peer.getIpBlock() == null && peer.getNamespaceSelector() == null,
              policy.getMetadata().getName() + " lets addresses or other namespaces reach Redis");
          Set<String> sources = new HashSet<>();
          peersInRelease(rendered, peer).forEach(p -> sources.add(p.component()));
          assertEquals(Set.of("ratelimit"), sources, policy.getMetadata().getName());
        }
      }
    }
    // Nobody else may even send to Redis's port.
    for (String edge : podToPodEdges(rendered)) {
      if (edge.endsWith(":6379") || edge.contains("-> redis:")) {
        assertTrue(edge.startsWith("ratelimit -> "), edge);
      }
    }
  }

  /** "sender -> receiver:port" for every pair of pods of the release that may talk. */
  private static Set<String> podToPodEdges(Rendered rendered) {
    Set<String> edges = new TreeSet<>();
    List<NetworkPolicy> policies = rendered.all(NetworkPolicy.class);
    for (PodTemplate sender : rendered.podTemplates()) {
      for (PodTemplate receiver : rendered.podTemplates()) {
        for (int port : servicePorts(rendered, receiver)) {
          if (allows(policies, "Egress", sender, receiver, port) && allows(policies, "Ingress", receiver, sender, port)) {
            edges.add(sender.component() + " -> " + receiver.component() + ":" + port);
          }
        }
      }
    }
    return edges;
  }

  /** "sender -> outside:port" for every egress rule to an address range or to anywhere. */
  private static Set<String> egressOutsideTheRelease(Rendered rendered) {
    Set<String> edges = new TreeSet<>();
    for (NetworkPolicy policy : rendered.all(NetworkPolicy.class)) {
      for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
        boolean outside = rule.getTo().isEmpty() || rule.getTo().stream().anyMatch(p -> p.getIpBlock() != null);
        if (!outside) {
          continue;
        }
        for (PodTemplate sender : selectedPods(rendered, policy)) {
          rule.getPorts().forEach(port -> edges.add(sender.component() + " -> outside:" + port.getPort().getIntVal()));
        }
      }
    }
    return edges;
  }

  /** One allow rule of either direction: its ports and its peers (from, or to). */
  private record Allow(List<NetworkPolicyPort> ports, List<NetworkPolicyPeer> peers) {}

  private static List<Allow> allows(NetworkPolicy policy, String direction) {
    return direction.equals("Ingress")
        ? policy.getSpec().getIngress().stream().map(r -> new Allow(r.getPorts(), r.getFrom())).toList()
        : policy.getSpec().getEgress().stream().map(r -> new Allow(r.getPorts(), r.getTo())).toList();
  }

  /** Whether the policies of {@code subject} let it talk to {@code peer} on a port in that direction. */
  private static boolean allows(List<NetworkPolicy> policies, String direction, PodTemplate subject, PodTemplate peer, int port) {
    return policies.stream()
        .filter(p -> p.getSpec().getPolicyTypes().contains(direction))
        .filter(p -> LabelSelectors.matches(p.getSpec().getPodSelector(), subject.labels()))
        .flatMap(p -> allows(p, direction).stream())
        .anyMatch(allow -> allowsPort(allow.ports(), port) && anyPeerIs(allow.peers(), peer));
  }

  private static boolean allowsPort(List<NetworkPolicyPort> ports, int port) {
    return ports.isEmpty() || ports.stream().anyMatch(p -> p.getPort() == null || p.getPort().getIntVal() == port);
  }

  /** Whether a peer list names this pod of the release (same namespace, by pod labels). */
  private static boolean anyPeerIs(List<NetworkPolicyPeer> peers, PodTemplate pod) {
    return peers.isEmpty()
        || peers.stream().anyMatch(p -> p.getNamespaceSelector() == null && p.getIpBlock() == null
            && LabelSelectors.matches(p.getPodSelector(), pod.labels()));
  }

  private static List<PodTemplate> peersInRelease(Rendered rendered, NetworkPolicyPeer peer) {
    if (peer.getPodSelector() == null || peer.getNamespaceSelector() != null) {
      return List.of();
    }
    return rendered.podTemplates().stream().filter(p -> LabelSelectors.matches(peer.getPodSelector(), p.labels())).toList();
  }

  private static List<PodTemplate> selectedPods(Rendered rendered, NetworkPolicy policy) {
    return rendered.podTemplates().stream()
        .filter(p -> LabelSelectors.matches(policy.getSpec().getPodSelector(), p.labels()))
        .toList();
  }

  /** The container ports of a pod that some Service of the release sends traffic to. */
  static Set<Integer> servicePorts(Rendered rendered, PodTemplate pod) {
    Set<Integer> ports = new TreeSet<>();
    for (Service service : rendered.all(Service.class)) {
      if (!LabelSelectors.matches(service.getSpec().getSelector(), pod.labels())) {
        continue;
      }
      for (ServicePort port : service.getSpec().getPorts()) {
        ports.add(targetPort(port, pod));
      }
    }
    return ports;
  }

  private static int targetPort(ServicePort port, PodTemplate pod) {
    IntOrString target = port.getTargetPort();
    if (target == null) {
      return port.getPort();
    }
    if (target.getIntVal() != null) {
      return target.getIntVal();
    }
    return pod.allContainers().stream()
        .flatMap(c -> c.getPorts().stream())
        .filter(p -> target.getStrVal().equals(p.getName()))
        .map(p -> p.getContainerPort())
        .findFirst()
        .orElseThrow(() -> new AssertionError("Service port " + port.getName() + " targets the port name '"
            + target.getStrVal() + "', which no container of " + pod.owner() + " has"));
  }
}
