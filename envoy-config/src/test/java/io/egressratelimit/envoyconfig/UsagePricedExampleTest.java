package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.config.files.LimitsFiles;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.PostPaid;
import io.egressratelimit.domain.Rule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped example for a usage-priced API (envoy-llm-local.yaml with limits/llm.yaml): it parses
 * strictly, passes every check the Geocoding configs pass, and the request-time check and the
 * stream-done charge name one post-paid budget. EnvoyValidateIT runs Envoy's own validation on it.
 */
class UsagePricedExampleTest {
  private static final RateLimitDescriptors DESCRIPTORS = new RateLimitDescriptors(Map.of());

  @Test
  void passesEveryCheck() throws Exception {
    LoadedBootstrap loaded = BootstrapLoader.load(EnvoyFiles.envoyFile(EnvoyFiles.LLM_LOCAL));
    assertAll(
        () -> ValidationRules.check(loaded),
        () -> ClusterReferences.check(loaded),
        () -> LimiterPlacement.check(loaded),
        () -> DeprecatedFields.check(loaded));
  }

  @Test
  void theCheckAndTheChargeNameOnePostPaidBudgetBesideTheRequestsPerMinute() throws Exception {
    List<ProducibleDescriptor> descriptors = DESCRIPTORS.of(BootstrapLoader.load(EnvoyFiles.envoyFile(EnvoyFiles.LLM_LOCAL)));
    assertEquals(List.of("[generic_key=llm_requests]", "[generic_key=llm_tokens]", "[generic_key=llm_tokens]"),
        descriptors.stream().map(ProducibleDescriptor::describe).toList());
    assertTrue(descriptors.get(2).origin().endsWith(
        ".routes[llm].typed_per_filter_config[envoy.filters.http.ratelimit].rate_limits[2]"), descriptors.get(2).origin());
    RateLimitConfig limits = LimitsFiles.load(EnvoyFiles.limitsDir());
    LimitsCoverage.check(descriptors, limits, "limits/");
    Rule tokens = limits.match("llm", List.of(new DescriptorEntry("generic_key", "llm_tokens"))).orElseThrow().rule();
    assertEquals(java.util.Optional.of(new PostPaid(4000)), tokens.postPaid());
    Rule requests = limits.match("llm", List.of(new DescriptorEntry("generic_key", "llm_requests"))).orElseThrow().rule();
    assertTrue(requests.postPaid().isEmpty(), "requests per minute are counted when the call is made");
  }

  @Test
  void aCostOnARoutesOwnRateLimitsIsRefusedSinceEnvoyCountsItAsOne() throws Exception {
    String yaml = java.nio.file.Files.readString(EnvoyFiles.fixture("minimal-valid.yaml")).replace(
        "                    - generic_key: { descriptor_value: geocode }\n",
        "                    - generic_key: { descriptor_value: geocode }\n"
            + "                    hits_addend: { format: \"%RESP(x-usage-tokens)%\" }\n");
    LoadedBootstrap loaded = BootstrapLoader.parse("cost-on-route.yaml", yaml);
    EnvoyConfigException error = assertThrows(EnvoyConfigException.class, () -> DESCRIPTORS.of(loaded));
    assertEquals("cost-on-route.yaml: static_resources.listeners[egress].filter_chains[0]"
            + ".filters[envoy.filters.network.http_connection_manager].typed_config.route_config"
            + ".virtual_hosts[egress].routes[geocode].route.rate_limits[0]: hits_addend on a route's own rate_limits:"
            + " Envoy's ratelimit filter ignores hits_addend there and counts every call as 1; put this entry in the"
            + " filter's per-route config (RateLimitPerRoute.rate_limits)",
        error.getMessage());
  }
}
