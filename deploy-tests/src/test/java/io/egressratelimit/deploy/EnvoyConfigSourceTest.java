package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The chart keeps copies of envoy-config/ (Helm reads no file outside the chart): a templated
 * envoy.yaml, and the limits in values.yaml. With the default values both must render to the
 * same configuration, field for field, except where the chart templates the in-cluster address
 * of the rate limit service.
 */
class EnvoyConfigSourceTest {
  private static final Path SOURCE = RepoLayout.root().resolve("envoy-config/envoy.yaml");
  private static final Path RLQS_SOURCE = RepoLayout.root().resolve("envoy-config/envoy-rlqs.yaml");
  private static final Path LIMITS = RepoLayout.root().resolve("envoy-config/limits/geocode.yaml");

  @Test
  void theChartsEnvoyConfigIsEnvoyConfigYamlWithTheServiceAddressTemplated() throws IOException {
    Map<String, Object> source = KubernetesYaml.parseMap(Files.readString(SOURCE));
    String serviceName = ChartRenderer.RELEASE + "-egress-ratelimit-ratelimit";

    assertEquals(
        List.of(ratelimitAddressPath(source) + ": ratelimit -> " + serviceName),
        differences(source, "envoy", "envoy.yaml"),
        "the chart's files/envoy.yaml has drifted from envoy-config/envoy.yaml");
  }

  @Test
  void withRateLimitQuotaTheChartsEnvoyConfigIsEnvoyRlqsYamlWithTheServiceAddressTemplated() throws IOException {
    Map<String, Object> source = KubernetesYaml.parseMap(Files.readString(RLQS_SOURCE));
    String serviceName = ChartRenderer.RELEASE + "-egress-ratelimit-ratelimit";

    assertEquals(
        List.of(ratelimitAddressPath(source) + ": ratelimit -> " + serviceName),
        differences(source, Scenario.RLQS, "envoy", "envoy.yaml"),
        "the chart's files/envoy.yaml with envoy.rateLimitFilter=rate_limit_quota has drifted from envoy-config/envoy-rlqs.yaml");
  }

  @Test
  void theChartsDefaultLimitsAreEnvoyConfigsLimits() throws IOException {
    Map<String, Object> source = KubernetesYaml.parseMap(Files.readString(LIMITS));

    assertEquals(List.of(), differences(source, "ratelimit-limits", "geocode.yaml"),
        "ratelimit.limits in values.yaml has drifted from envoy-config/limits/geocode.yaml");
  }

  /** "path: source -> rendered" for each field where a file differs from a key of a rendered ConfigMap. */
  private static List<String> differences(Map<String, Object> source, String configMap, String key) {
    return differences(source, Scenario.DEFAULTS, configMap, key);
  }

  private static List<String> differences(Map<String, Object> source, Scenario scenario, String configMap, String key) {
    Map<String, Object> rendered = KubernetesYaml.parseMap(
        ChartRenderer.render(scenario).get(ConfigMap.class, configMap).getData().get(key));
    List<String> differences = new ArrayList<>();
    compare(source, rendered, "", differences);
    return differences;
  }

  private static void compare(Object source, Object rendered, String path, List<String> differences) {
    if (source instanceof Map<?, ?> a && rendered instanceof Map<?, ?> b) {
      TreeSet<String> keys = new TreeSet<>();
      a.keySet().forEach(k -> keys.add(String.valueOf(k)));
      b.keySet().forEach(k -> keys.add(String.valueOf(k)));
      for (String key : keys) {
        compare(a.get(key), b.get(key), path.isEmpty() ? key : path + "." + key, differences);
      }
    } else if (source instanceof List<?> a && rendered instanceof List<?> b) {
      for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
        compare(i < a.size() ? a.get(i) : null, i < b.size() ? b.get(i) : null, path + "[" + i + "]", differences);
      }
    } else if (!Objects.equals(source, rendered)) {
      differences.add(path + ": " + source + " -> " + rendered);
    }
  }

  @SuppressWarnings("unchecked")
  private static String ratelimitAddressPath(Map<String, Object> source) {
    // the same cluster index in both files, since the clusters are the same
    List<Object> clusters = (List<Object>) ((Map<String, Object>) source.get("static_resources")).get("clusters");
    for (int i = 0; i < clusters.size(); i++) {
      if ("ratelimit".equals(((Map<String, Object>) clusters.get(i)).get("name"))) {
        return "static_resources.clusters[" + i + "].load_assignment.endpoints[0].lb_endpoints[0]"
            + ".endpoint.address.socket_address.address";
      }
    }
    throw new AssertionError("envoy-config/envoy.yaml has no cluster named ratelimit");
  }
}
