package io.egressratelimit.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parses Kubernetes YAML into fabric8's typed model. */
final class KubernetesYaml {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private KubernetesYaml() {}

  /**
   * Every document of a (multi-document) YAML text. A field of the wrong type fails here; a
   * misspelled field lands in a model object's additional properties (see {@link UnknownFields}).
   */
  static List<HasMetadata> parseAll(String yaml, String source) {
    Object parsed = SERIALIZATION.unmarshal(yaml);
    List<HasMetadata> resources = new ArrayList<>();
    if (parsed instanceof List<?> documents) {
      for (Object document : documents) {
        if (document != null) {
          resources.add(typed(document, source));
        }
      }
    } else if (parsed != null) {
      resources.add(typed(parsed, source));
    }
    return resources;
  }

  /** A plain YAML (or JSON) mapping, e.g. a values file or a JSON schema. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseMap(String yaml) {
    return SERIALIZATION.unmarshal(yaml, Map.class);
  }

  /** Custom resources the chart renders; MonitoringTest checks their fields, as fabric8 has no model of them. */
  static final java.util.Set<String> CUSTOM_KINDS =
      java.util.Set.of("monitoring.coreos.com/v1 ServiceMonitor", "monitoring.coreos.com/v1 PrometheusRule");

  private static HasMetadata typed(Object document, String source) {
    if (document instanceof GenericKubernetesResource generic
        && !CUSTOM_KINDS.contains(generic.getApiVersion() + " " + generic.getKind())) {
      throw new AssertionError(
          source + ": " + generic.getApiVersion() + " " + generic.getKind() + " '"
              + generic.getMetadata().getName() + "' is not a known Kubernetes kind");
    }
    return (HasMetadata) document;
  }
}
