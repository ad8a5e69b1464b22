package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker itself: it accepts a compliant pod and names each kind of violation. */
class RestrictedPodSecurityTest {

  private static ContainerBuilder compliantContainer(String name) {
    return new ContainerBuilder()
        .withName(name)
        .withImage("example")
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext();
  }

  private static PodSpecBuilder compliantPod(Container... containers) {
    return new PodSpecBuilder()
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(65532L)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withContainers(containers);
  }

  private static List<String> check(PodSpec spec) {
    return RestrictedPodSecurity.violations(new PodTemplate("Deployment/x", Map.of(), Map.of(), spec));
  }

  @Test
  void aCompliantPodHasNoViolations() {
    assertEquals(List.of(), check(compliantPod(compliantContainer("app").build()).build()));
  }

  @Test
  void anInitContainerThatMayEscalateIsReported() {
    Container init = compliantContainer("init").editSecurityContext().withAllowPrivilegeEscalation(null).endSecurityContext().build();
    PodSpec spec = compliantPod(compliantContainer("app").build()).withInitContainers(init).build();

    assertEquals(
        List.of("Deployment/x container 'init': allowPrivilegeEscalation must be false"), check(spec));
  }

  @Test
  void capabilitiesMustDropAllAndAddOnlyNetBindService() {
    Container container =
        compliantContainer("app").editSecurityContext().withNewCapabilities().withAdd("NET_ADMIN").endCapabilities().endSecurityContext().build();

    assertEquals(
        List.of(
            "Deployment/x container 'app': capabilities.drop must include ALL",
            "Deployment/x container 'app': capabilities.add holds NET_ADMIN (only NET_BIND_SERVICE is allowed)"),
        check(compliantPod(container).build()));
  }

  @Test
  void rootAndMissingSeccompAreReported() {
    Container container = compliantContainer("app").editSecurityContext().withRunAsUser(0L).withRunAsNonRoot(false).endSecurityContext().build();
    PodSpec spec = compliantPod(container).editSecurityContext().withSeccompProfile(null).endSecurityContext().build();

    assertEquals(
        List.of(
            "Deployment/x container 'app': runAsNonRoot must be true (in the container or the pod)",
            "Deployment/x container 'app': runAsUser is 0 (root)",
            "Deployment/x container 'app': seccompProfile.type must be RuntimeDefault or Localhost (in the container or the pod)"),
        check(spec));
  }

  @Test
  void hostNamespacesHostPathsHostPortsAndProbeHostsAreReported() {
    Container container =
        compliantContainer("app")
            .addNewPort().withContainerPort(8080).withHostPort(8080).endPort()
            .withNewReadinessProbe().withNewHttpGet().withHost("10.0.0.1").withPath("/").withNewPort(8080).endHttpGet().endReadinessProbe()
            .build();
    PodSpec spec =
        compliantPod(container)
            .withHostNetwork(true)
            .addNewVolume().withName("host").withNewHostPath().withPath("/var/run").endHostPath().endVolume()
            .build();

    List<String> violations = check(spec);
    assertTrue(violations.contains("Deployment/x: hostNetwork is true"), violations::toString);
    assertTrue(violations.contains("Deployment/x: volume 'host' is of type hostPath, not allowed under restricted"), violations::toString);
    assertTrue(violations.contains("Deployment/x container 'app': port 8080 uses hostPort 8080"), violations::toString);
    assertTrue(violations.contains("Deployment/x container 'app': a probe or lifecycle handler sets host 10.0.0.1"), violations::toString);
  }

  @Test
  void unsafeSysctlsPrivilegedAndProcMountAreReported() {
    Container container = compliantContainer("app").editSecurityContext().withPrivileged(true).withProcMount("Unmasked").endSecurityContext().build();
    PodSpec spec =
        compliantPod(container).editSecurityContext().addNewSysctl().withName("net.core.somaxconn").withValue("1024").endSysctl()
            .addNewSysctl().withName("net.ipv4.tcp_rmem").withValue("4096 87380 6291456").endSysctl().endSecurityContext().build();

    assertEquals(
        List.of(
            "Deployment/x: sysctl net.core.somaxconn is not a safe sysctl",
            "Deployment/x container 'app': privileged is true",
            "Deployment/x container 'app': procMount is Unmasked"),
        check(spec));
  }
}
