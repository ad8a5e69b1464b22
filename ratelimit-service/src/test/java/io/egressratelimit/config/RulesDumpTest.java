package io.egressratelimit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The /rlconfig text: upstream's line per rule, then this project's fields where a rule sets them. */
class RulesDumpTest {

  @Test
  void rendersOneUpstreamStyleLinePerRuleInFileOrder() throws ConfigException {
    String expected = """
        edge.remote_address: unit=SECOND requests_per_unit=30, shadow_mode: false
        edge.remote_address_192.0.2.66: unit=SECOND requests_per_unit=0, shadow_mode: false
        edge.tenant.path_/reports/*: unit=HOUR requests_per_unit=500, shadow_mode: false, detailed_metric: true
        edge.tenant.path_/exports/*: unit=DAY requests_per_unit=20, shadow_mode: false, share_threshold: true
        edge.tenant.path: unit=MINUTE requests_per_unit=600, shadow_mode: false, value_to_metric: true
        edge.category_read.user: unit=MINUTE requests_per_unit=100, shadow_mode: false, name: read_per_user
        edge.endpoint_/search.user: unit=MINUTE requests_per_unit=250, shadow_mode: false, replaces: [read_per_user]
        edge.client_batch-importer: unit=WEEK requests_per_unit=10000, shadow_mode: true
        edge.model_large: unit=MONTH requests_per_unit=1000000, shadow_mode: false, quota_mode: true, \
        metadata: {backend=pool-a, tier=2}
        edge.health: unit=UNKNOWN requests_per_unit=0, shadow_mode: false, unlimited: true
        """;

    assertEquals(expected, RulesDump.render(Fixtures.valid("edge.yaml")));
  }

  @Test
  void rendersExtensionsAfterTheUpstreamFields() throws ConfigException {
    String expected = """
        geocode.generic_key_geocode: period=10s requests_per_unit=5, shadow_mode: false, algorithm: strict, burst: 3
        geocode.generic_key_geocode.caller: unit=MINUTE requests_per_unit=20, shadow_mode: false, \
        algorithm: token_bucket, burst: 5
        """;

    assertEquals(expected, RulesDump.render(Fixtures.valid("geocode.yaml")));
  }

  @Test
  void writesPeriodsInTheirLargestWholeSuffix() {
    assertEquals("90s", PeriodSyntax.format(java.time.Duration.ofSeconds(90)));
    assertEquals("5m", PeriodSyntax.format(java.time.Duration.ofMinutes(5)));
    assertEquals("36h", PeriodSyntax.format(java.time.Duration.ofHours(36)));
    assertEquals("2w", PeriodSyntax.format(java.time.Duration.ofDays(14)));
  }
}
