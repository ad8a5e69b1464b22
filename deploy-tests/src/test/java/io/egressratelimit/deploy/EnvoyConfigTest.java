package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.domain.DescriptorEntry;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RateLimit.Action;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaBucketSettings;
import io.envoyproxy.envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaFilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Envoy bootstrap the chart renders: valid for Envoy, and pointed at the release's Services. */
class EnvoyConfigTest {

  private static Bootstrap bootstrap(Rendered rendered) {
    return EnvoyBootstrap.parse(rendered.get(ConfigMap.class, "envoy").getData().get("envoy.yaml"));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void theAdminPortStaysInsideThePod(Scenario scenario) {
    Rendered rendered = ChartRenderer.render(scenario);
    SocketAddress admin = bootstrap(rendered).getAdmin().getAddress().getSocketAddress();

    assertEquals("127.0.0.1", admin.getAddress());
    Service envoy = rendered.get(Service.class, "envoy");
    assertTrue(envoy.getSpec().getPorts().stream().noneMatch(p -> p.getPort() == admin.getPortValue()));
    assertTrue(rendered.podTemplate("envoy").allContainers().stream()
        .flatMap(c -> c.getPorts().stream()).noneMatch(p -> p.getContainerPort() == admin.getPortValue()));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void theReadinessProbeAsksTheObservabilityListenerWhichNoServiceExposes(Scenario scenario) {
    Rendered rendered = ChartRenderer.render(scenario);
    Listener observability = bootstrap(rendered).getStaticResources().getListenersList().stream()
        .filter(l -> l.getName().equals("observability")).findFirst().orElseThrow();
    int port = observability.getAddress().getSocketAddress().getPortValue();
    Container envoy = rendered.podTemplate("envoy").spec().getContainers().get(0);
    String probePortName = envoy.getReadinessProbe().getHttpGet().getPort().getStrVal();

    assertEquals("/ready", envoy.getReadinessProbe().getHttpGet().getPath());
    assertTrue(envoy.getPorts().stream().anyMatch(p -> p.getName().equals(probePortName) && p.getContainerPort() == port));
    assertFalse(NetworkPolicyTest.servicePorts(rendered, rendered.podTemplate("envoy")).contains(port));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void theListenerIsWhatTheEnvoyServiceTargets(Scenario scenario) {
    Rendered rendered = ChartRenderer.render(scenario);
    int listenerPort = bootstrap(rendered).getStaticResources().getListeners(0).getAddress().getSocketAddress().getPortValue();

    assertEquals(List.of(listenerPort), NetworkPolicyTest.servicePorts(rendered, rendered.podTemplate("envoy")).stream().toList());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void theRateLimitClusterResolvesEveryServiceReplica(Scenario scenario) {
    Rendered rendered = ChartRenderer.render(scenario);
    Bootstrap bootstrap = bootstrap(rendered);
    HttpConnectionManager manager = EnvoyBootstrap.limiter(bootstrap);
    Optional<RateLimitQuotaFilterConfig> quota = EnvoyBootstrap.quotaFilter(manager);
    String clusterName;
    if (quota.isPresent()) {
      clusterName = quota.get().getRlqsServer().getEnvoyGrpc().getClusterName();
      assertEquals("geocode", quota.get().getDomain());
    } else {
      RateLimit filter = EnvoyBootstrap.rateLimitFilter(manager);
      clusterName = filter.getRateLimitService().getGrpcService().getEnvoyGrpc().getClusterName();
      assertTrue(filter.getFailureModeDeny(), "an unreachable service must not open the budget");
      assertEquals("geocode", filter.getDomain());
    }
    Cluster cluster = EnvoyBootstrap.cluster(bootstrap, clusterName);
    Service service = rendered.get(Service.class, "ratelimit");
    SocketAddress endpoint = EnvoyBootstrap.endpoint(cluster);

    assertEquals(service.getMetadata().getName(), endpoint.getAddress());
    assertTrue(service.getSpec().getPorts().stream().map(ServicePort::getPort).anyMatch(p -> p == endpoint.getPortValue()));
    // STRICT_DNS on a headless Service gives Envoy every ready replica, not one virtual IP.
    assertEquals(Cluster.DiscoveryType.STRICT_DNS, cluster.getType());
    assertEquals("None", service.getSpec().getClusterIP());
  }

  /** One limiter or the other, as envoy.rateLimitFilter says; never both, never none. */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void theGatewayRunsTheChosenLimiterAlone(Scenario scenario) {
    HttpConnectionManager manager = EnvoyBootstrap.limiter(bootstrap(ChartRenderer.render(scenario)));
    List<String> limiters = manager.getHttpFiltersList().stream().map(f -> f.getName())
        .filter(n -> n.equals("envoy.filters.http.ratelimit") || n.equals("envoy.filters.http.rate_limit_quota"))
        .toList();
    assertEquals(List.of(scenario == Scenario.RLQS ? "envoy.filters.http.rate_limit_quota" : "envoy.filters.http.ratelimit"),
        limiters);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Scenario.class, names = "RLQS")
  void theQuotaFilterFailsClosedBeforeAndAfterAnAssignment(Scenario scenario) {
    HttpConnectionManager manager = EnvoyBootstrap.limiter(bootstrap(ChartRenderer.render(scenario)));
    RateLimitStrategy denyAll = RateLimitStrategy.newBuilder().setBlanketRule(RateLimitStrategy.BlanketRule.DENY_ALL).build();
    List<RateLimitQuotaBucketSettings> buckets = EnvoyBootstrap.bucketSettings(EnvoyBootstrap.quotaFilter(manager).orElseThrow());
    assertEquals(1, buckets.size());
    assertEquals(denyAll, buckets.get(0).getNoAssignmentBehavior().getFallbackRateLimit());
    assertEquals(denyAll, buckets.get(0).getExpiredAssignmentBehavior().getFallbackRateLimit());
    // Envoy 1.40 reports every 5 s whatever reporting_interval says; the chart says so, and the service's
    // default assignment TTL (10 s) outlasts it plus the delivery allowance (docs/rlqs.md)
    assertEquals(com.google.protobuf.Duration.newBuilder().setSeconds(5).build(), buckets.get(0).getReportingInterval());
    assertTrue(manager.getRouteConfig().getVirtualHostsList().stream().flatMap(v -> v.getRoutesList().stream())
        .allMatch(r -> r.getRoute().getRateLimitsCount() == 0), "no rate_limits without the ratelimit filter to read them");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void everyDescriptorEnvoySendsHasARuleInTheMountedLimits(Scenario scenario) throws Exception {
    Rendered rendered = ChartRenderer.render(scenario);
    HttpConnectionManager manager = EnvoyBootstrap.limiter(bootstrap(rendered));
    RateLimitConfig limits = MountedLimits.load(rendered.get(ConfigMap.class, "ratelimit-limits"));
    Optional<RateLimitQuotaFilterConfig> quota = EnvoyBootstrap.quotaFilter(manager);
    if (quota.isPresent()) {
      // the service reads a BucketId as the descriptor of its entries (docs/rlqs.md)
      for (RateLimitQuotaBucketSettings bucket : EnvoyBootstrap.bucketSettings(quota.get())) {
        List<DescriptorEntry> descriptor = bucket.getBucketIdBuilder().getBucketIdBuilderMap().entrySet().stream()
            .sorted(java.util.Map.Entry.comparingByKey())
            .map(e -> new DescriptorEntry(e.getKey(), e.getValue().getStringValue()))
            .toList();
        assertTrue(limits.match(quota.get().getDomain(), descriptor).orElseThrow(
            () -> new AssertionError("no limit for the bucket " + descriptor)).rule().rlqs(),
            "the rule of the bucket " + descriptor + " must say rlqs: true, or the service abandons the bucket");
      }
      return;
    }
    String domain = EnvoyBootstrap.rateLimitFilter(manager).getDomain();
    List<Route> routes = manager.getRouteConfig().getVirtualHostsList().stream().flatMap(v -> v.getRoutesList().stream()).toList();
    assertFalse(routes.isEmpty());
    for (Route route : routes) {
      for (io.envoyproxy.envoy.config.route.v3.RateLimit rateLimit : route.getRoute().getRateLimitsList()) {
        List<DescriptorEntry> descriptor = rateLimit.getActionsList().stream().map(EnvoyConfigTest::sampleEntry).toList();
        assertTrue(limits.match(domain, descriptor).isPresent(), "no limit for the descriptor " + descriptor);
      }
    }
  }

  /** The descriptor entry an action produces; a header action with a sample header value. */
  private static DescriptorEntry sampleEntry(Action action) {
    if (action.hasGenericKey()) {
      String key = action.getGenericKey().getDescriptorKey();
      return new DescriptorEntry(key.isEmpty() ? "generic_key" : key, action.getGenericKey().getDescriptorValue());
    }
    if (action.hasRequestHeaders()) {
      return new DescriptorEntry(action.getRequestHeaders().getDescriptorKey(), "caller-a");
    }
    throw new AssertionError("the test knows no descriptor action " + action);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void theUpstreamIsTheRealApiOverTlsOrTheInClusterStub(Scenario scenario) {
    Rendered rendered = ChartRenderer.render(scenario);
    Cluster upstream = EnvoyBootstrap.cluster(bootstrap(rendered), "geocode_upstream");
    SocketAddress endpoint = EnvoyBootstrap.endpoint(upstream);

    if (scenario == Scenario.STUB_UPSTREAM) {
      assertEquals(rendered.get(Service.class, "stub-upstream").getMetadata().getName(), endpoint.getAddress());
      assertEquals(8090, endpoint.getPortValue());
      assertFalse(upstream.hasTransportSocket());
    } else {
      assertEquals("maps.googleapis.com", endpoint.getAddress());
      assertEquals(443, endpoint.getPortValue());
      UpstreamTlsContext tls = EnvoyBootstrap.unpack(upstream.getTransportSocket().getTypedConfig(), UpstreamTlsContext.class);
      assertEquals("maps.googleapis.com", tls.getSni());
      assertTrue(tls.getCommonTlsContext().getValidationContext().hasTrustedCa(), "the upstream certificate must be verified");
    }
  }
}
