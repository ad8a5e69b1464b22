package io.egressratelimit.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Optional;

/** One rendering of the chart: the YAML text and its parsed resources. */
record Rendered(String yaml, List<HasMetadata> resources) {

  static Rendered parse(String yaml) {
    return new Rendered(yaml, KubernetesYaml.parseAll(yaml, "rendered chart"));
  }

  <T extends HasMetadata> List<T> all(Class<T> kind) {
    return resources.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** The resource of that kind whose name ends with "-" + suffix. */
  <T extends HasMetadata> Optional<T> find(Class<T> kind, String suffix) {
    return all(kind).stream().filter(r -> r.getMetadata().getName().endsWith("-" + suffix)).findFirst();
  }

  <T extends HasMetadata> T get(Class<T> kind, String suffix) {
    return find(kind, suffix)
        .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " named *-" + suffix));
  }

  List<PodTemplate> podTemplates() {
    return resources.stream().flatMap(r -> PodTemplate.of(r).stream()).toList();
  }

  PodTemplate podTemplate(String component) {
    return podTemplates().stream()
        .filter(p -> p.component().equals(component))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pod template of component " + component));
  }
}
