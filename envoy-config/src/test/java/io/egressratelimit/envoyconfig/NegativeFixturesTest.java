package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.egressratelimit.config.files.LimitsFiles;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each fixture under negative/ carries one defect, and fails with one message that names the
 * file, the place and the problem. Tests are named after their fixture.
 */
class NegativeFixturesTest {

  @Test
  void minimalValid() throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.load(EnvoyFiles.fixture("minimal-valid.yaml"));
    for (BootstrapCheck check : List.<BootstrapCheck>of(ValidationRules::check, ClusterReferences::check,
        DeprecatedFields::check, NegativeFixturesTest::descriptorsOf)) {
      assertDoesNotThrow(() -> check.check(loaded));
    }
  }

  @Test
  void misspelledField() {
    assertEquals("misspelled-field.yaml: line 21: Cannot find field: clustr in message envoy.config.route.v3.RouteAction",
        parseError("misspelled-field.yaml"));
  }

  @Test
  void badEnum() {
    assertEquals("bad-enum.yaml: line 32: Invalid enum value: DRAFT_VERSION_04 for enum type:"
            + " envoy.extensions.filters.http.ratelimit.v3.RateLimit.XRateLimitHeadersRFCVersion",
        parseError("bad-enum.yaml"));
  }

  @Test
  void missingCluster() throws Exception {
    assertEquals("missing-cluster.yaml: static_resources.listeners[egress].filter_chains[0]"
            + ".filters[envoy.filters.network.http_connection_manager].typed_config"
            + ".http_filters[envoy.filters.http.ratelimit].typed_config.rate_limit_service.grpc_service"
            + ".envoy_grpc.cluster_name names cluster 'rate-limit', which is not defined;"
            + " defined clusters: [geocode_upstream, ratelimit]",
        checkError("missing-cluster.yaml", ClusterReferences::check));
  }

  @Test
  void duplicateKey() {
    assertEquals("duplicate-key.yaml: line 31: found duplicate key failure_mode_deny", parseError("duplicate-key.yaml"));
  }

  @Test
  void humanDuration() {
    assertEquals("human-duration.yaml: line 31: cannot read \"100ms\" as a number;"
        + " a duration is written in seconds with an s, e.g. 0.1s", parseError("human-duration.yaml"));
  }

  @Test
  void unregisteredType() {
    assertEquals("unregistered-type.yaml: line 39: Cannot resolve type:"
            + " type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
        parseError("unregistered-type.yaml"));
  }

  @Test
  void emptyDomain() throws Exception {
    assertEquals("empty-domain.yaml: static_resources.listeners[egress].filter_chains[0]"
            + ".filters[envoy.filters.network.http_connection_manager].typed_config"
            + ".http_filters[envoy.filters.http.ratelimit].typed_config (RateLimit):"
            + " envoy.extensions.filters.http.ratelimit.v3.RateLimit.domain: length must be at least 1 but got: 0",
        checkError("empty-domain.yaml", ValidationRules::check));
  }

  @Test
  void emptyMatcherInCache() throws Exception {
    assertEquals("empty-matcher-in-cache.yaml: static_resources.listeners[egress].filter_chains[0]"
            + ".filters[envoy.filters.network.http_connection_manager].typed_config"
            + ".http_filters[envoy.filters.http.cache].typed_config.allowed_vary_headers[0] (StringMatcher):"
            + " envoy.type.matcher.v3.StringMatcher.match_pattern: is required",
        checkError("empty-matcher-in-cache.yaml", ValidationRules::check));
  }

  @Test
  void limiterAfterCache() throws Exception {
    assertEquals("limiter-after-cache.yaml: static_resources.listeners[egress].filter_chains[0]"
            + ".filters[envoy.filters.network.http_connection_manager].typed_config"
            + ".http_filters[envoy.filters.http.ratelimit] comes after envoy.filters.http.cache, which fetches every"
            + " miss itself: this limiter would never be asked. Put it on an internal listener that the cache's route"
            + " leads to",
        checkError("limiter-after-cache.yaml", LimiterPlacement::check));
  }

  @Test
  void portOutOfRange() throws Exception {
    assertEquals("port-out-of-range.yaml: static_resources.clusters[geocode_upstream].load_assignment.endpoints[0]"
            + ".lb_endpoints[0].endpoint.address.socket_address (SocketAddress):"
            + " envoy.config.core.v3.SocketAddress.port_value: must be less than or equal to 65535",
        checkError("port-out-of-range.yaml", ValidationRules::check));
  }

  @Test
  void deprecatedField() throws Exception {
    assertEquals("deprecated-field.yaml: static_resources.clusters[ratelimit].http2_protocol_options"
            + " is deprecated in envoy.config.cluster.v3.Cluster",
        checkError("deprecated-field.yaml", DeprecatedFields::check));
  }

  @Test
  void stageWithoutFilter() throws Exception {
    assertEquals("stage-without-filter.yaml: static_resources.listeners[egress].filter_chains[0]"
            + ".filters[envoy.filters.network.http_connection_manager].typed_config.route_config"
            + ".virtual_hosts[egress].routes[geocode].route.rate_limits[0]: stage 1 has no ratelimit filter"
            + " in this connection manager, so these descriptors are never sent",
        checkError("stage-without-filter.yaml", NegativeFixturesTest::descriptorsOf));
  }

  @Test
  void minimalValidRlqs() throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.load(EnvoyFiles.fixture("minimal-valid-rlqs.yaml"));
    for (BootstrapCheck check : List.<BootstrapCheck>of(ValidationRules::check, ClusterReferences::check,
        DeprecatedFields::check, NegativeFixturesTest::quotaBucketRules)) {
      assertDoesNotThrow(() -> check.check(loaded));
    }
  }

  @Test
  void rlqsMisspelledBehaviour() {
    assertEquals("rlqs-misspelled-behaviour.yaml: line 49: Cannot find field: no_assignment_behaviour in message"
            + " envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaBucketSettings",
        parseError("rlqs-misspelled-behaviour.yaml"));
  }

  @Test
  void rlqsTooFrequentReport() throws Exception {
    assertEquals("rlqs-too-frequent-report.yaml: static_resources.listeners[egress].filter_chains[0]"
            + ".filters[envoy.filters.network.http_connection_manager].typed_config"
            + ".http_filters[envoy.filters.http.rate_limit_quota].typed_config.bucket_matchers.matcher_list.matchers[0]"
            + ".on_match.action.typed_config (RateLimitQuotaBucketSettings):"
            + " envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaBucketSettings.reporting_interval:"
            + " must be greater than nanos: 100000000",
        checkError("rlqs-too-frequent-report.yaml", ValidationRules::check));
  }

  /** The message of the one check that a fixture (which parses) fails. */
  private static String checkError(String fixture, BootstrapCheck check) throws EnvoyConfigException {
    LoadedBootstrap loaded = BootstrapLoader.load(EnvoyFiles.fixture("negative/" + fixture));
    return assertThrows(EnvoyConfigException.class, () -> check.check(loaded)).getMessage();
  }

  private static String parseError(String fixture) {
    return assertThrows(EnvoyConfigException.class,
        () -> BootstrapLoader.load(EnvoyFiles.fixture("negative/" + fixture))).getMessage();
  }

  private static void quotaBucketRules(LoadedBootstrap loaded) throws EnvoyConfigException {
    io.egressratelimit.config.RateLimitConfig limits;
    try {
      limits = io.egressratelimit.config.files.LimitsFiles.load(EnvoyFiles.limitsDir());
    } catch (Exception e) {
      throw new IllegalStateException("the shipped limits/ load", e);
    }
    QuotaBucketRules.check(loaded, limits, "limits/");
  }

  private static void descriptorsOf(LoadedBootstrap loaded) throws EnvoyConfigException {
    new RateLimitDescriptors(Map.of("x-caller", "sample-caller")).of(loaded);
  }
}
