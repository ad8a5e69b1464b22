package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RenderedResourcesTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void everyRenderedFieldIsAKubernetesField(Scenario scenario) {
    Rendered rendered = ChartRenderer.render(scenario);

    List<String> unknown = new ArrayList<>();
    for (HasMetadata resource : rendered.resources()) {
      if (resource instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource) {
        continue; // a custom resource: fabric8 keeps all of it as unknown fields; MonitoringTest checks it
      }
      unknown.addAll(UnknownFields.in(resource, resource.getKind() + "/" + resource.getMetadata().getName()));
    }
    assertEquals(List.of(), unknown, "misspelled or misplaced fields");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void everyResourceCarriesTheStandardLabelsAndAValidName(Scenario scenario) {
    for (HasMetadata resource : ChartRenderer.render(scenario).resources()) {
      String name = resource.getMetadata().getName();
      Map<String, String> labels = resource.getMetadata().getLabels();
      assertTrue(name.length() <= 63 && name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), () -> "bad name " + name);
      assertEquals("egress-ratelimit", labels.get("app.kubernetes.io/name"), name);
      assertEquals(ChartRenderer.RELEASE, labels.get("app.kubernetes.io/instance"), name);
      assertEquals("Helm", labels.get("app.kubernetes.io/managed-by"), name);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void thePartsOfTheSystemAreAllThere(Scenario scenario) {
    Rendered rendered = ChartRenderer.render(scenario);

    rendered.get(Deployment.class, "ratelimit");
    rendered.get(Deployment.class, "envoy");
    rendered.get(Deployment.class, "loadgen");
    rendered.get(Service.class, "ratelimit");
    rendered.get(Service.class, "envoy");
    rendered.get(ConfigMap.class, "ratelimit-limits");
    rendered.get(ConfigMap.class, "envoy");
    rendered.get(NetworkPolicy.class, "default-deny");
    assertEquals(scenario != Scenario.EXTERNAL_REDIS, rendered.find(Service.class, "redis").isPresent());
    assertEquals(scenario == Scenario.STUB_UPSTREAM, rendered.find(Service.class, "stub-upstream").isPresent());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void resourceNamesAreUnique(Scenario scenario) {
    List<String> keys =
        ChartRenderer.render(scenario).resources().stream()
            .map(r -> r.getKind() + "/" + r.getMetadata().getName())
            .toList();
    assertEquals(keys.size(), keys.stream().distinct().count(), () -> "duplicates in " + keys);
  }

  @Test
  void aLongReleaseNameKeepsEveryPartsSuffixWithin63Characters() {
    String yaml =
        ChartRenderer.template(
            c -> c.withName("a-release-name-as-long-as-helm-allows-fifty-three-ch")
                .set("stubUpstream.enabled", "true"));
    List<HasMetadata> resources = KubernetesYaml.parseAll(yaml, "long release name");
    List<String> names = resources.stream().map(r -> r.getMetadata().getName()).toList();

    assertTrue(names.stream().allMatch(n -> n.length() <= 63 && !n.endsWith("-")), names::toString);
    for (String suffix : List.of("-ratelimit", "-ratelimit-limits", "-envoy", "-redis", "-redis-headless",
        "-loadgen", "-stub-upstream", "-default-deny")) {
      assertTrue(names.stream().anyMatch(n -> n.endsWith(suffix)), () -> "no name ends with " + suffix + ": " + names);
    }
    List<String> keys = resources.stream().map(r -> r.getKind() + "/" + r.getMetadata().getName()).toList();
    assertEquals(keys.size(), keys.stream().distinct().count(), () -> "duplicates in " + keys);
  }
}
