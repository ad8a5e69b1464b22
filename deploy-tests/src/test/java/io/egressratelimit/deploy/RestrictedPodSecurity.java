package io.egressratelimit.deploy;

import io.fabric8.kubernetes.api.model.AppArmorProfile;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.Lifecycle;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SELinuxOptions;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.WindowsSecurityContextOptions;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The restricted Pod Security Standard (baseline rules included), as pod-security-admission
 * enforces it, checked on a pod template. Each violation is one readable line naming the
 * container and the field.
 */
final class RestrictedPodSecurity {
  static final Set<String> RESTRICTED_VOLUME_TYPES =
      Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
          "projected", "secret");

  /** Safe sysctls of the baseline profile up to v1.32 (tcp_rmem and tcp_wmem came in 1.32). */
  static final Set<String> SAFE_SYSCTLS =
      Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
          "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
          "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
          "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem",
          "net.ipv4.tcp_wmem");

  static final Set<String> ALLOWED_SELINUX_TYPES =
      Set.of("", "container_t", "container_init_t", "container_kvm_t", "container_engine_t");

  private static final String APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

  private RestrictedPodSecurity() {}

  static List<String> violations(PodTemplate pod) {
    List<String> out = new ArrayList<>();
    PodSpec spec = pod.spec();
    PodSecurityContext podContext = spec.getSecurityContext() == null ? new PodSecurityContext() : spec.getSecurityContext();
    String where = pod.owner();

    checkHostNamespaces(spec, where, out);
    for (Volume volume : spec.getVolumes()) {
      String type = volumeType(volume);
      if (!RESTRICTED_VOLUME_TYPES.contains(type)) {
        out.add(where + ": volume '" + volume.getName() + "' is of type " + type + ", not allowed under restricted");
      }
    }
    for (Sysctl sysctl : podContext.getSysctls()) {
      if (!SAFE_SYSCTLS.contains(sysctl.getName())) {
        out.add(where + ": sysctl " + sysctl.getName() + " is not a safe sysctl");
      }
    }
    if (Long.valueOf(0).equals(podContext.getRunAsUser())) {
      out.add(where + ": securityContext.runAsUser is 0 (root)");
    }
    checkSeccompNotUnconfined(podContext.getSeccompProfile(), where + ": securityContext", out);
    checkSeLinux(podContext.getSeLinuxOptions(), where + ": securityContext", out);
    checkAppArmor(podContext.getAppArmorProfile(), where + ": securityContext", out);
    checkWindowsHostProcess(podContext.getWindowsOptions(), where + ": securityContext", out);
    pod.annotations().forEach((key, value) -> {
      if (key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !value.equals("runtime/default") && !value.startsWith("localhost/")) {
        out.add(where + ": annotation " + key + "=" + value + " is not an allowed AppArmor profile");
      }
    });

    for (Container container : pod.allContainers()) {
      checkContainer(
          where + " container '" + container.getName() + "'", container.getSecurityContext(), podContext,
          container.getPorts(), probesAndHandlers(container), out);
    }
    for (EphemeralContainer container : spec.getEphemeralContainers()) {
      checkContainer(
          where + " ephemeral container '" + container.getName() + "'", container.getSecurityContext(),
          podContext, container.getPorts(),
          probesAndHandlers(container.getLivenessProbe(), container.getReadinessProbe(),
              container.getStartupProbe(), container.getLifecycle()),
          out);
    }
    return out;
  }

  private static void checkHostNamespaces(PodSpec spec, String where, List<String> out) {
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      out.add(where + ": hostNetwork is true");
    }
    if (Boolean.TRUE.equals(spec.getHostPID())) {
      out.add(where + ": hostPID is true");
    }
    if (Boolean.TRUE.equals(spec.getHostIPC())) {
      out.add(where + ": hostIPC is true");
    }
  }

  private static void checkContainer(
      String where, SecurityContext context, PodSecurityContext podContext, List<ContainerPort> ports,
      List<Object> probesAndHandlers, List<String> out) {
    SecurityContext sc = context == null ? new SecurityContext() : context;
    if (Boolean.TRUE.equals(sc.getPrivileged())) {
      out.add(where + ": privileged is true");
    }
    if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
      out.add(where + ": allowPrivilegeEscalation must be false");
    }
    boolean runAsNonRoot = sc.getRunAsNonRoot() != null
        ? sc.getRunAsNonRoot()
        : Boolean.TRUE.equals(podContext.getRunAsNonRoot());
    if (!runAsNonRoot) {
      out.add(where + ": runAsNonRoot must be true (in the container or the pod)");
    }
    if (Long.valueOf(0).equals(sc.getRunAsUser())) {
      out.add(where + ": runAsUser is 0 (root)");
    }
    SeccompProfile seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile() : podContext.getSeccompProfile();
    if (seccomp == null || !Set.of("RuntimeDefault", "Localhost").contains(seccomp.getType())) {
      out.add(where + ": seccompProfile.type must be RuntimeDefault or Localhost (in the container or the pod)");
    }
    Capabilities capabilities = sc.getCapabilities() == null ? new Capabilities() : sc.getCapabilities();
    if (!capabilities.getDrop().contains("ALL")) {
      out.add(where + ": capabilities.drop must include ALL");
    }
    for (String added : capabilities.getAdd()) {
      if (!added.equals("NET_BIND_SERVICE")) {
        out.add(where + ": capabilities.add holds " + added + " (only NET_BIND_SERVICE is allowed)");
      }
    }
    if (sc.getProcMount() != null && !sc.getProcMount().equals("Default")) {
      out.add(where + ": procMount is " + sc.getProcMount());
    }
    checkSeLinux(sc.getSeLinuxOptions(), where, out);
    checkAppArmor(sc.getAppArmorProfile(), where, out);
    checkWindowsHostProcess(sc.getWindowsOptions(), where, out);
    for (ContainerPort port : ports) {
      if (port.getHostPort() != null && port.getHostPort() != 0) {
        out.add(where + ": port " + port.getContainerPort() + " uses hostPort " + port.getHostPort());
      }
    }
    for (Object handler : probesAndHandlers) {
      String host = hostOf(handler);
      if (host != null && !host.isEmpty()) {
        out.add(where + ": a probe or lifecycle handler sets host " + host);
      }
    }
  }

  private static void checkSeccompNotUnconfined(SeccompProfile profile, String where, List<String> out) {
    if (profile != null && "Unconfined".equals(profile.getType())) {
      out.add(where + ": seccompProfile.type is Unconfined");
    }
  }

  private static void checkSeLinux(SELinuxOptions options, String where, List<String> out) {
    if (options == null) {
      return;
    }
    if (!ALLOWED_SELINUX_TYPES.contains(Objects.toString(options.getType(), ""))) {
      out.add(where + ": seLinuxOptions.type " + options.getType() + " is not allowed");
    }
    if (!Objects.toString(options.getUser(), "").isEmpty() || !Objects.toString(options.getRole(), "").isEmpty()) {
      out.add(where + ": seLinuxOptions.user and role must be empty");
    }
  }

  private static void checkAppArmor(AppArmorProfile profile, String where, List<String> out) {
    if (profile != null && !Set.of("RuntimeDefault", "Localhost").contains(profile.getType())) {
      out.add(where + ": appArmorProfile.type " + profile.getType() + " is not allowed");
    }
  }

  private static void checkWindowsHostProcess(WindowsSecurityContextOptions options, String where, List<String> out) {
    if (options != null && Boolean.TRUE.equals(options.getHostProcess())) {
      out.add(where + ": windowsOptions.hostProcess is true");
    }
  }

  private static List<Object> probesAndHandlers(Container container) {
    return probesAndHandlers(container.getLivenessProbe(), container.getReadinessProbe(),
        container.getStartupProbe(), container.getLifecycle());
  }

  private static List<Object> probesAndHandlers(Probe liveness, Probe readiness, Probe startup, Lifecycle lifecycle) {
    List<Object> handlers = new ArrayList<>();
    for (Probe probe : new Probe[] {liveness, readiness, startup}) {
      if (probe != null) {
        handlers.add(probe.getHttpGet());
        handlers.add(probe.getTcpSocket());
      }
    }
    if (lifecycle != null) {
      for (LifecycleHandler handler : new LifecycleHandler[] {lifecycle.getPostStart(), lifecycle.getPreStop()}) {
        if (handler != null) {
          handlers.add(handler.getHttpGet());
          handlers.add(handler.getTcpSocket());
        }
      }
    }
    handlers.removeIf(Objects::isNull);
    return handlers;
  }

  /** The host field of an httpGet or tcpSocket action. */
  private static String hostOf(Object action) {
    try {
      return (String) action.getClass().getMethod("getHost").invoke(action);
    } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("no host field on " + action.getClass(), e);
    }
  }

  /** The name of the one volume source that is set, e.g. "emptyDir" or "hostPath". */
  static String volumeType(Volume volume) {
    for (Method getter : Volume.class.getMethods()) {
      String name = getter.getName();
      if (!name.startsWith("get") || getter.getParameterCount() != 0
          || Set.of("getName", "getAdditionalProperties", "getClass").contains(name)) {
        continue;
      }
      try {
        if (getter.invoke(volume) != null) {
          return Character.toLowerCase(name.charAt(3)) + name.substring(4);
        }
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(e);
      }
    }
    return "none";
  }
}
