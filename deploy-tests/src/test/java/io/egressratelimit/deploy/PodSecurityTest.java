package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every pod the chart makes passes the restricted Pod Security Standard and our own defaults. */
class PodSecurityTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void everyPodTemplateMeetsTheRestrictedStandard(Scenario scenario) {
    List<PodTemplate> pods = ChartRenderer.render(scenario).podTemplates();
    assertFalse(pods.isEmpty());

    List<String> violations = new ArrayList<>();
    pods.forEach(pod -> violations.addAll(RestrictedPodSecurity.violations(pod)));
    assertEquals(List.of(), violations);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void everyContainerHasAReadOnlyRootAndAWritableTmp(Scenario scenario) {
    for (PodTemplate pod : ChartRenderer.render(scenario).podTemplates()) {
      assertEquals(Boolean.FALSE, pod.spec().getAutomountServiceAccountToken(), pod.owner());
      assertEquals("RuntimeDefault", pod.spec().getSecurityContext().getSeccompProfile().getType(), pod.owner());
      Long uid = pod.spec().getSecurityContext().getRunAsUser();
      assertTrue(uid != null && uid > 0, pod.owner() + " needs a numeric non-root runAsUser");
      Optional<Volume> tmp = pod.spec().getVolumes().stream().filter(v -> v.getName().equals("tmp")).findFirst();
      assertTrue(tmp.isPresent() && tmp.get().getEmptyDir() != null, pod.owner() + " needs /tmp as an emptyDir");
      for (Container container : pod.allContainers()) {
        String where = pod.owner() + " container " + container.getName();
        assertEquals(Boolean.TRUE, container.getSecurityContext().getReadOnlyRootFilesystem(), where);
        assertEquals(Boolean.TRUE, container.getSecurityContext().getRunAsNonRoot(), where);
        assertTrue(
            container.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("tmp") && m.getMountPath().equals("/tmp")),
            where + " mounts no /tmp");
        assertTrue(container.getResources().getLimits().containsKey("memory"), where + " has no memory limit");
      }
    }
  }
}
