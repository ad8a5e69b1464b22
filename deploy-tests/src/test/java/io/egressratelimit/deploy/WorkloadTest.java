package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.config.RateLimitConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What each workload is told: the contract between the chart and the service and loadgen images. */
class WorkloadTest {
  private static final String PREFIX = ChartRenderer.RELEASE + "-egress-ratelimit-";

  private static Container container(Rendered rendered, String component) {
    return rendered.podTemplate(component).spec().getContainers().get(0);
  }

  private static Map<String, EnvVar> env(Container container) {
    return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  @Test
  void theServiceRunsTwoSpreadReplicasWithAPodDisruptionBudget() {
    Rendered rendered = ChartRenderer.render(Scenario.DEFAULTS);
    Deployment deployment = rendered.get(Deployment.class, "ratelimit");
    PodDisruptionBudget budget = rendered.get(PodDisruptionBudget.class, "ratelimit");

    assertEquals(2, deployment.getSpec().getReplicas());
    assertTrue(deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints().stream()
        .anyMatch(c -> c.getTopologyKey().equals("kubernetes.io/hostname")));
    assertEquals(1, budget.getSpec().getMaxUnavailable().getIntVal());
    assertTrue(LabelSelectors.matches(budget.getSpec().getSelector(), rendered.podTemplate("ratelimit").labels()));
    assertTrue(rendered.all(HorizontalPodAutoscaler.class).isEmpty());
  }

  @Test
  void withTheHpaOnTheDeploymentLeavesItsReplicaCountToTheAutoscaler() {
    Rendered rendered = ChartRenderer.render(Scenario.HPA);
    HorizontalPodAutoscaler hpa = rendered.get(HorizontalPodAutoscaler.class, "ratelimit");
    Deployment deployment = rendered.get(Deployment.class, "ratelimit");

    assertNull(deployment.getSpec().getReplicas(), "a fixed replica count would fight the HPA on every upgrade");
    assertEquals(deployment.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
    assertEquals(3, hpa.getSpec().getMinReplicas());
    assertEquals(8, hpa.getSpec().getMaxReplicas());
    assertEquals(60, hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization());
  }

  @Test
  void theServiceIsProbedOverNativeGrpcHealth() {
    Container service = container(ChartRenderer.render(Scenario.DEFAULTS), "ratelimit");
    for (Probe probe : List.of(service.getReadinessProbe(), service.getLivenessProbe(), service.getStartupProbe())) {
      assertEquals(8081, probe.getGrpc().getPort());
    }
  }

  /**
   * A fresh install starts the service and Redis together. The service stays up and waits for Redis
   * (its RateLimitService health NOT_SERVING meanwhile), so only readiness may depend on Redis: a
   * startup or liveness probe that did would restart pods in a loop until Redis is ready.
   */
  @Test
  void onlyReadinessWaitsForRedisSoAFreshInstallNeverRestartsAPod() {
    for (Scenario scenario : Scenario.values()) {
      Rendered rendered = ChartRenderer.render(scenario);
      Container service = container(rendered, "ratelimit");
      assertEquals("envoy.service.ratelimit.v3.RateLimitService", service.getReadinessProbe().getGrpc().getService(),
          scenario + ": readiness asks whether this replica can decide");
      for (Probe probe : List.of(service.getLivenessProbe(), service.getStartupProbe())) {
        String asked = probe.getGrpc().getService();
        assertTrue(asked == null || asked.isEmpty(), scenario + ": liveness and startup ask the process, not Redis");
      }
      assertTrue(rendered.podTemplate("ratelimit").spec().getInitContainers().isEmpty(),
          scenario + ": nothing holds the pod back until Redis answers; the service waits by itself");
      assertTrue(service.getReadinessProbe().getPeriodSeconds() <= 2, "a warm replica joins within seconds");
    }
  }

  @Test
  void theServiceIsConfiguredThroughTheContractsEnvironment() {
    Map<String, EnvVar> env = env(container(ChartRenderer.render(Scenario.DEFAULTS), "ratelimit"));

    assertEquals("/etc/ratelimit/config", env.get("CONFIG_PATH").getValue());
    assertEquals("8081", env.get("GRPC_PORT").getValue());
    assertEquals("8080", env.get("PORT").getValue());
    assertEquals("redis://" + PREFIX + "redis:6379", env.get("REDIS_URL").getValue());
    assertEquals("single", env.get("REDIS_TYPE").getValue());
    assertEquals("INFO", env.get("LOG_LEVEL").getValue());
    assertEquals("loopback", env.get("JSON_ENDPOINT").getValue(), "/json, which spends budget, stays in the pod");
    assertTrue(env.containsKey("REDIS_AUTH"));
    assertFalse(env.containsKey("REDIS_CLUSTER_LEGACY_KEYS"), "the service's own default, off");
    assertEquals("10s", env.get("RLQS_ASSIGNMENT_TTL").getValue(), "over Envoy 1.40's 5 s reports plus the allowance");
    assertEquals("1s", env.get("RLQS_DELIVERY_ALLOWANCE").getValue());
  }

  @Test
  void aClusterBeingUpgradedFromDomainTaggedKeysSpendsThemToo() {
    Map<String, EnvVar> env = env(container(Rendered.parse(ChartRenderer.template(c -> c
        .withValuesFile(Scenario.EXTERNAL_REDIS.valuesFile().orElseThrow())
        .set("redis.type", "cluster")
        .set("redis.clusterLegacyKeys", "true"))), "ratelimit"));

    assertEquals("cluster", env.get("REDIS_TYPE").getValue());
    assertEquals("true", env.get("REDIS_CLUSTER_LEGACY_KEYS").getValue());
  }

  @Test
  void anExternalRedisIsPassedThroughAsGiven() {
    Rendered rendered = ChartRenderer.render(Scenario.EXTERNAL_REDIS);
    Map<String, EnvVar> env = env(container(rendered, "ratelimit"));

    assertEquals("rediss-sentinel://sentinel-0.redis.shared.svc:26379,sentinel-1.redis.shared.svc:26379/0#mymaster",
        env.get("REDIS_URL").getValue());
    assertEquals("sentinel", env.get("REDIS_TYPE").getValue());
    assertTrue(rendered.all(StatefulSet.class).isEmpty());
  }

  @Test
  void theLimitsAreMountedAsADirectorySoTheirSymlinkSwapReachesTheService() {
    Rendered rendered = ChartRenderer.render(Scenario.DEFAULTS);
    Container service = container(rendered, "ratelimit");
    String configPath = env(service).get("CONFIG_PATH").getValue();
    VolumeMount mount = service.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(configPath)).findFirst()
        .orElseThrow(() -> new AssertionError("nothing is mounted at CONFIG_PATH " + configPath));
    Volume volume = rendered.podTemplate("ratelimit").spec().getVolumes().stream()
        .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
    ConfigMap limits = rendered.get(ConfigMap.class, "ratelimit-limits");

    assertNull(mount.getSubPath(), "a subPath mount never sees ConfigMap updates");
    assertEquals(Boolean.TRUE, mount.getReadOnly());
    assertEquals(limits.getMetadata().getName(), volume.getConfigMap().getName());
    assertEquals(List.of("geocode.yaml"), List.copyOf(limits.getData().keySet()));
  }

  @Test
  void theServiceLoadsTheLimitsFromTheMountLayoutTheKubeletMakes() throws Exception {
    RateLimitConfig loaded = MountedLimits.load(ChartRenderer.render(Scenario.DEFAULTS).get(ConfigMap.class, "ratelimit-limits"));

    assertEquals(Set.of("geocode"), loaded.domains());
    assertEquals(2, loaded.rules().size());
  }

  @Test
  void newLimitsChangeTheConfigChecksumAndSoRollThePods() {
    String before = checksum(ChartRenderer.render(Scenario.DEFAULTS));
    String after = checksum(Rendered.parse(ChartRenderer.template(c -> c.set("ratelimit.limits.geocode.domain", "geocode-v2"))));

    assertTrue(before.matches("[0-9a-f]{64}"), before);
    assertNotEquals(before, after);
  }

  private static String checksum(Rendered rendered) {
    return rendered.get(Deployment.class, "ratelimit").getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
  }

  @Test
  void theLoadGeneratorCallsEnvoyWithTheConfiguredPacing() {
    Container loadgen = container(ChartRenderer.render(Scenario.DEFAULTS), "loadgen");

    assertEquals(List.of("http", "--target", "http://" + PREFIX + "envoy:10000", "--workers", "2", "--interval", "1s",
        "--start-jitter", "4s", "--max-backoff", "10s", "--static-every", "6", "--duration", "24h"), loadgen.getArgs());
    assertEquals(PREFIX + "loadgen", env(loadgen).get("GEOCODE_API_KEY").getValueFrom().getSecretKeyRef().getName());
  }

  @Test
  void theStubUpstreamIsTheLoadgenImageServingOnItsPort() {
    Rendered rendered = ChartRenderer.render(Scenario.STUB_UPSTREAM);
    Container stub = container(rendered, "stub-upstream");

    assertEquals(List.of("upstream", "--port", "8090", "--bind", "0.0.0.0"), stub.getArgs());
    assertEquals(container(rendered, "loadgen").getImage(), stub.getImage());
  }

  @Test
  void redisTakesItsPasswordFromTheSecretAndKeepsDataOnAVolume() {
    Rendered rendered = ChartRenderer.render(Scenario.DEFAULTS);
    StatefulSet redis = rendered.get(StatefulSet.class, "redis");
    Container container = container(rendered, "redis");

    assertEquals(List.of("/etc/redis/redis.conf", "--requirepass", "$(REDIS_PASSWORD)"), container.getArgs());
    assertEquals("data", redis.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName());
    assertTrue(container.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("data") && m.getMountPath().equals("/data")));
    assertTrue(rendered.get(ConfigMap.class, "redis").getData().get("redis.conf").contains("dir /data"));
  }

  @Test
  void theHelmTestPodAsksTheServiceForItsGrpcHealthWithTheServiceImage() throws IOException {
    Rendered rendered = ChartRenderer.render(Scenario.DEFAULTS);
    Pod test = rendered.get(Pod.class, "test-health");
    Container probe = test.getSpec().getContainers().get(0);

    assertEquals(List.of("health", "--target", PREFIX + "ratelimit:8081"), probe.getArgs());
    assertEquals(container(rendered, "ratelimit").getImage(), probe.getImage());
    assertEquals("Never", test.getSpec().getRestartPolicy());
    assertEquals("test", test.getMetadata().getAnnotations().get(ChartRenderer.RENAMED_HOOK_ANNOTATION));
    String source = Files.readString(RepoLayout.chart().resolve("templates/tests/test-grpc-health.yaml"));
    assertTrue(source.contains("helm.sh/hook: test"), "the real chart marks the pod as a helm test hook");
  }

  @Test
  void imagesDefaultToTheChartAppVersion() {
    Rendered rendered = ChartRenderer.render(Scenario.DEFAULTS);
    assertEquals("egress-ratelimit/ratelimit-service:0.1.0-SNAPSHOT", container(rendered, "ratelimit").getImage());
    assertEquals("egress-ratelimit/loadgen:0.1.0-SNAPSHOT", container(rendered, "loadgen").getImage());
  }
}
