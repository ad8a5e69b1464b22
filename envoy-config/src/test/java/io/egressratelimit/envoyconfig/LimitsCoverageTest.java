package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.config.RuleMatch;
import io.egressratelimit.config.files.LimitsFiles;
import io.egressratelimit.domain.Algorithm;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.LimitPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The routes and the limits config agree: each descriptor the routes can send has a rule, found by
 * the service's own loader and matcher, and the rules are the ones the README describes.
 */
class LimitsCoverageTest {
  static final List<String> FILES = EnvoyFiles.BOTH;
  private static final RateLimitDescriptors DESCRIPTORS = new RateLimitDescriptors(Map.of("x-caller", "billing"));
  private static RateLimitConfig limits;

  @BeforeAll
  static void loadLimits() throws Exception {
    limits = LimitsFiles.load(EnvoyFiles.limitsDir());
  }

  @ParameterizedTest
  @FieldSource("FILES")
  void everyDescriptorTheRoutesSendHasARule(String file) throws Exception {
    List<ProducibleDescriptor> descriptors = DESCRIPTORS.of(BootstrapLoader.load(EnvoyFiles.envoyFile(file)));
    assertEquals(2, descriptors.size());
    LimitsCoverage.check(descriptors, limits, "limits/");
  }

  @Test
  void theGlobalBudgetIsStrictAndThePerCallerShareSitsUnderIt() {
    RuleMatch global = limits.match("geocode", List.of(entry("generic_key", "geocode"))).orElseThrow();
    RuleMatch caller = limits.match("geocode",
        List.of(entry("generic_key", "geocode"), entry("caller", "billing"))).orElseThrow();
    LimitPolicy globalPolicy = global.rule().policy().orElseThrow();
    assertEquals(List.of(5L, Duration.ofSeconds(15), Algorithm.STRICT, 1L),
        List.of(globalPolicy.requestsPerPeriod(), globalPolicy.period(), globalPolicy.algorithm(), globalPolicy.burst()));
    assertEquals("geocode.generic_key_geocode", global.rule().fullKey());
    assertEquals("geocode.generic_key_geocode.caller", caller.rule().fullKey());
    LimitPolicy callerPolicy = caller.rule().policy().orElseThrow();
    assertEquals(List.of(3L, Duration.ofSeconds(15), Algorithm.STRICT, 1L),
        List.of(callerPolicy.requestsPerPeriod(), callerPolicy.period(), callerPolicy.algorithm(), callerPolicy.burst()));
  }

  @Test
  void descriptorTypo() throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.load(EnvoyFiles.fixture("negative/descriptor-typo.yaml"));
    List<ProducibleDescriptor> descriptors = DESCRIPTORS.of(loaded);
    EnvoyConfigException error = assertThrows(EnvoyConfigException.class,
        () -> LimitsCoverage.check(descriptors, limits, "limits/"));
    assertEquals("descriptor-typo.yaml: static_resources.listeners[egress].filter_chains[0]"
            + ".filters[envoy.filters.network.http_connection_manager].typed_config.route_config"
            + ".virtual_hosts[egress].routes[geocode].route.rate_limits[0] sends [generic_key=geocod]"
            + " in domain 'geocode', which no rule in limits/ matches",
        error.getMessage());
  }

  @Test
  void aDomainTheLimitsDoNotDefine() throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.parse("other-domain.yaml",
        java.nio.file.Files.readString(EnvoyFiles.fixture("minimal-valid.yaml")).replace("domain: geocode", "domain: geocoding"));
    List<ProducibleDescriptor> descriptors = DESCRIPTORS.of(loaded);
    EnvoyConfigException error = assertThrows(EnvoyConfigException.class,
        () -> LimitsCoverage.check(descriptors, limits, "limits/"));
    assertTrue(error.getMessage().endsWith(".route.rate_limits[0] sends domain 'geocoding', which limits/"
        + " does not define; its domains: [geocode, llm]"), error.getMessage());
  }

  private static DescriptorEntry entry(String key, String value) {
    return new DescriptorEntry(key, value);
  }
}
