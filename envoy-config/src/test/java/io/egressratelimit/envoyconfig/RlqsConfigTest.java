package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.config.files.LimitsFiles;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaBucketSettings;
import io.envoyproxy.envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaFilterConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The RLQS gateways: one rate_limit_quota filter whose bucket covers the egress route, maps to the
 * global budget's rule and fails closed; and, apart from the limiter, the RLS gateway unchanged.
 */
class RlqsConfigTest {
  static final List<String> FILES = EnvoyFiles.RLQS_BOTH;
  private static final RateLimitStrategy DENY_ALL =
      RateLimitStrategy.newBuilder().setBlanketRule(RateLimitStrategy.BlanketRule.DENY_ALL).build();
  private static RateLimitConfig limits;

  @BeforeAll
  static void loadLimits() throws Exception {
    limits = LimitsFiles.load(EnvoyFiles.limitsDir());
  }

  @ParameterizedTest
  @FieldSource("FILES")
  void oneQuotaFilterOnTheServiceClusterAndNoRatelimitFilter(String file) throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.load(EnvoyFiles.envoyFile(file));
    assertEquals(List.of(), EnvoyFilesTest.rateLimitFilters(loaded), "no ratelimit filter beside it");
    List<RateLimitQuotaFilterConfig> filters = QuotaBuckets.filters(loaded);
    assertEquals(1, filters.size());
    assertEquals("geocode", filters.get(0).getDomain());
    assertEquals("ratelimit", filters.get(0).getRlqsServer().getEnvoyGrpc().getClusterName());
  }

  @ParameterizedTest
  @FieldSource("FILES")
  void theBucketIsTheGlobalBudgetAndFailsClosed(String file) throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.load(EnvoyFiles.envoyFile(file));
    QuotaBucketRules.check(loaded, limits, "limits/");
    List<QuotaBuckets.Bucket> buckets = QuotaBuckets.of(loaded);
    assertEquals(1, buckets.size());
    RateLimitQuotaBucketSettings settings = buckets.get(0).settings();
    assertEquals(Map.of("generic_key", "geocode"), Map.of("generic_key",
        settings.getBucketIdBuilder().getBucketIdBuilderMap().get("generic_key").getStringValue()));
    assertEquals(1, settings.getBucketIdBuilder().getBucketIdBuilderCount());
    assertEquals("geocode.generic_key_geocode",
        limits.match("geocode", buckets.get(0).descriptor()).orElseThrow().rule().fullKey());
    assertTrue(limits.match("geocode", buckets.get(0).descriptor()).orElseThrow().rule().rlqs(), "rlqs: true");
    assertEquals(DENY_ALL, settings.getNoAssignmentBehavior().getFallbackRateLimit());
    assertEquals(DENY_ALL, settings.getExpiredAssignmentBehavior().getFallbackRateLimit());
    assertEquals(com.google.protobuf.Duration.newBuilder().setSeconds(5).build(), settings.getReportingInterval(),
        "what Envoy 1.40 does whatever the field says");
  }

  /** Drop the limiter from each and the two gateways must be the same, down to every route and cluster. */
  @Test
  void apartFromTheLimiterTheGatewaysAreTheRlsOnes() throws Exception {
    assertEquals(withoutLimiter(EnvoyFiles.PRODUCTION), withoutLimiter(EnvoyFiles.RLQS));
    assertEquals(withoutLimiter(EnvoyFiles.LOCAL), withoutLimiter(EnvoyFiles.RLQS_LOCAL));
  }

  @Test
  void aRouteNoBucketTakesIsNamed() throws Exception {
    String text = Files.readString(EnvoyFiles.envoyFile(EnvoyFiles.RLQS_LOCAL))
        .replace("value_match: { prefix: /maps/api/geocode/ }", "value_match: { prefix: /maps/api/geocoding/ }");
    EnvoyConfigException error = assertThrows(EnvoyConfigException.class,
        () -> QuotaBucketRules.check(BootstrapLoader.parse("uncovered.yaml", text), limits, "limits/"));
    assertTrue(error.getMessage().endsWith(".route_config.virtual_hosts[egress_limited].routes[geocode] goes to cluster"
        + " 'geocode_upstream' but no bucket matcher takes its path prefix '/maps/api/geocode/': its calls would pass"
        + " unlimited"), error.getMessage());
  }

  @Test
  void allowAllBeforeTheFirstAssignmentAndABucketWithNoRuleAreRefused() throws Exception {
    String text = Files.readString(EnvoyFiles.envoyFile(EnvoyFiles.RLQS_LOCAL))
        .replaceFirst("fallback_rate_limit: \\{ blanket_rule: DENY_ALL }", "fallback_rate_limit: { blanket_rule: ALLOW_ALL }")
        .replace("generic_key: { string_value: geocode }", "generic_key: { string_value: geocod }");
    EnvoyConfigException error = assertThrows(EnvoyConfigException.class,
        () -> QuotaBucketRules.check(BootstrapLoader.parse("allow-all.yaml", text), limits, "limits/"));
    String where = "allow-all.yaml: static_resources.listeners[egress_limited].filter_chains[0]"
        + ".filters[envoy.filters.network.http_connection_manager].typed_config"
        + ".http_filters[envoy.filters.http.rate_limit_quota].typed_config.bucket_matchers.matcher_list.matchers[0]";
    assertEquals(where + ": no_assignment_behavior must be fallback_rate_limit {blanket_rule: DENY_ALL};"
            + " anything else admits calls no assignment counted\n"
            + where + " builds BucketId [generic_key=geocod] in domain 'geocode', which no rule in limits/ matches",
        error.getMessage());
  }

  @Test
  void aReportingIntervalOtherThanEnvoysFiveSecondsIsRefused() throws Exception {
    String text = Files.readString(EnvoyFiles.envoyFile(EnvoyFiles.RLQS_LOCAL))
        .replace("reporting_interval: 5s", "reporting_interval: 1s");
    EnvoyConfigException error = assertThrows(EnvoyConfigException.class,
        () -> QuotaBucketRules.check(BootstrapLoader.parse("every-second.yaml", text), limits, "limits/"));
    assertTrue(error.getMessage().endsWith(".matcher_list.matchers[0]: reporting_interval must be 5s, the interval"
        + " Envoy 1.40 reports at whatever this says (envoyproxy/envoy#46033); the service's assignment TTL is chosen"
        + " for it"), error.getMessage());
  }

  @Test
  void aBucketWhoseRuleIsNotOpenToRlqsIsRefused() throws Exception {
    java.nio.file.Path dir = Files.createTempDirectory("limits");
    try {
      Files.writeString(dir.resolve("geocode.yaml"),
          Files.readString(EnvoyFiles.limitsDir().resolve("geocode.yaml")).replace("      rlqs: true\n", ""));
      RateLimitConfig withoutRlqs = LimitsFiles.load(dir);
      EnvoyConfigException error = assertThrows(EnvoyConfigException.class,
          () -> QuotaBucketRules.check(BootstrapLoader.load(EnvoyFiles.envoyFile(EnvoyFiles.RLQS)), withoutRlqs, "limits/"));
      assertTrue(error.getMessage().endsWith(".matcher_list.matchers[0] builds BucketId [generic_key=geocode], whose rule"
          + " geocode.generic_key_geocode in limits/ does not say rlqs: true; the service abandons such a bucket and the"
          + " filter denies every call"), error.getMessage());
    } finally {
      Files.deleteIfExists(dir.resolve("geocode.yaml"));
      Files.delete(dir);
    }
  }

  private static Bootstrap withoutLimiter(String file) throws EnvoyConfigException {
    Bootstrap.Builder bootstrap = BootstrapLoader.load(EnvoyFiles.envoyFile(file)).bootstrap().toBuilder();
    for (var listener : bootstrap.getStaticResourcesBuilder().getListenersBuilderList()) {
      for (var chain : listener.getFilterChainsBuilderList()) {
        for (var filter : chain.getFiltersBuilderList()) {
          if (!filter.getTypedConfig().is(HttpConnectionManager.class)) {
            continue;
          }
          HttpConnectionManager.Builder manager;
          try {
            manager = filter.getTypedConfig().unpack(HttpConnectionManager.class).toBuilder();
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
          }
          List<io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter> kept =
              manager.getHttpFiltersList().stream()
                  .filter(f -> !f.getName().equals("envoy.filters.http.ratelimit")
                      && !f.getName().equals("envoy.filters.http.rate_limit_quota"))
                  .toList();
          manager.clearHttpFilters().addAllHttpFilters(kept);
          for (var host : manager.getRouteConfigBuilder().getVirtualHostsBuilderList()) {
            for (Route.Builder route : host.getRoutesBuilderList()) {
              if (route.hasRoute()) {
                route.getRouteBuilder().clearRateLimits();
              }
            }
          }
          filter.setTypedConfig(com.google.protobuf.Any.pack(manager.build()));
        }
      }
    }
    return bootstrap.build();
  }
}
