package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The manifests a user applies without Helm. */
class ManifestsTest {
  private static final String RAW_RELEASE = "egress-ratelimit";
  private static final String RAW_VALUES = "existing-secrets.yaml";
  private static final String WRITE_PROPERTY = "manifests.write";
  private static final String REGENERATE = "mvn -pl deploy-tests -am test -Dtest=ManifestsTest "
      + "-Dsurefire.failIfNoSpecifiedTests=false -D" + WRITE_PROPERTY + "=true";

  private static List<Path> manifestFiles() throws IOException {
    try (Stream<Path> files = Files.list(RepoLayout.manifests())) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void theNamespaceEnforcesAuditsAndWarnsOnTheRestrictedStandardAtAPinnedVersion() throws IOException {
    Path file = RepoLayout.manifests().resolve("namespace.yaml");
    Namespace namespace = (Namespace) KubernetesYaml.parseAll(Files.readString(file), file.toString()).get(0);
    Map<String, String> labels = namespace.getMetadata().getLabels();

    assertEquals(ChartRenderer.NAMESPACE, namespace.getMetadata().getName());
    for (String mode : List.of("enforce", "audit", "warn")) {
      assertEquals("restricted", labels.get("pod-security.kubernetes.io/" + mode), mode);
      String version = labels.getOrDefault("pod-security.kubernetes.io/" + mode + "-version", "");
      assertTrue(version.matches("v1\\.[0-9]+"), mode + "-version must be pinned, not '" + version + "'");
    }
  }

  @Test
  void everyManifestParsesStrictlyAndItsPodsMeetTheRestrictedStandard() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Path file : manifestFiles()) {
      for (HasMetadata resource : KubernetesYaml.parseAll(Files.readString(file), file.toString())) {
        String where = file.getFileName() + " " + resource.getKind() + "/" + resource.getMetadata().getName();
        problems.addAll(UnknownFields.in(resource, where));
        PodTemplate.of(resource).ifPresent(pod -> problems.addAll(RestrictedPodSecurity.violations(pod)));
        if (resource instanceof Secret) {
          problems.add(where + ": a Secret does not belong in a committed manifest");
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  /**
   * manifests/egress-ratelimit.yaml is the chart rendered with pre-created Secrets. Regenerate it
   * after a chart change with the command in {@link #REGENERATE}.
   */
  @Test
  void theRenderedManifestIsTheChartAsItIsNow() throws IOException {
    String expected = header() + new Helm(RepoLayout.chart()).template()
        .withName(RAW_RELEASE)
        .withNamespace(ChartRenderer.NAMESPACE)
        .withKubeVersion(ChartRenderer.KUBE_VERSION)
        .withValuesFile(RepoLayout.valuesFile(RAW_VALUES))
        .call();
    Path file = RepoLayout.manifests().resolve("egress-ratelimit.yaml");
    if (Boolean.getBoolean(WRITE_PROPERTY)) {
      Files.writeString(file, expected);
    }

    assertTrue(Files.exists(file), file + " is missing; write it with: " + REGENERATE);
    assertEquals(expected, Files.readString(file), file + " is out of date with the chart; rewrite it with: " + REGENERATE);
    assertFalse(expected.contains("kind: Secret"));
  }

  private static String header() {
    return """
        # Generated from the Helm chart in helm/ with the values in
        # deploy-tests/src/test/resources/values/%s (do not edit: the build checks it).
        # It expects two Secrets that you create first, so no secret value is ever in this file:
        #   kubectl apply -f manifests/namespace.yaml
        #   kubectl -n %s create secret generic egress-ratelimit-redis \\
        #     --from-literal=redis-password="$(head -c 24 /dev/urandom | base64)"
        #   kubectl -n %s create secret generic geocode-api-key --from-literal=api-key="$GEOCODE_API_KEY"
        #   kubectl -n %s apply -f manifests/egress-ratelimit.yaml
        """.formatted(RAW_VALUES, ChartRenderer.NAMESPACE, ChartRenderer.NAMESPACE, ChartRenderer.NAMESPACE);
  }
}
