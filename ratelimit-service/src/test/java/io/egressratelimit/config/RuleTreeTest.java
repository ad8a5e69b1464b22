package io.egressratelimit.config;

import static io.egressratelimit.config.Fixtures.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.domain.Algorithm;
import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.PostPaid;
import io.egressratelimit.domain.RateUnit;
import io.egressratelimit.domain.Rule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What each YAML key turns into on the loaded {@link Rule}s. */
class RuleTreeTest {

  private static LimitPolicy onlyPolicy(String rateLimitYaml) throws ConfigException {
    RateLimitConfig config = ConfigParser.parse("p.yaml",
        "domain: p\ndescriptors:\n  - key: k\n    rate_limit: " + rateLimitYaml + "\n");
    return config.rules().get(0).policy().orElseThrow();
  }

  @Test
  void upstreamRulesAreFixedWindowsPerCalendarUnit() throws ConfigException {
    RateLimitConfig edge = Fixtures.valid("edge.yaml");

    assertEquals(Optional.of(LimitPolicy.fixedWindow(30, RateUnit.SECOND)),
        rule(edge, "edge.remote_address").policy());
    assertEquals(Optional.of(LimitPolicy.fixedWindow(0, RateUnit.SECOND)),
        rule(edge, "edge.remote_address_192.0.2.66").policy());
    assertEquals(Optional.of(LimitPolicy.fixedWindow(10_000, RateUnit.WEEK)),
        rule(edge, "edge.client_batch-importer").policy());
  }

  @Test
  void fullKeysFollowUpstreamNaming() throws ConfigException {
    List<String> keys = Fixtures.valid("edge.yaml").rules().stream().map(Rule::fullKey).toList();

    assertEquals(List.of(
        "edge.remote_address",
        "edge.remote_address_192.0.2.66",
        "edge.tenant.path_/reports/*",
        "edge.tenant.path_/exports/*",
        "edge.tenant.path",
        "edge.category_read.user",
        "edge.endpoint_/search.user",
        "edge.client_batch-importer",
        "edge.model_large",
        "edge.health"), keys);
  }

  @Test
  void upstreamFlagsLandOnTheRule() throws ConfigException {
    RateLimitConfig edge = Fixtures.valid("edge.yaml");

    assertTrue(rule(edge, "edge.client_batch-importer").shadowMode());
    assertFalse(rule(edge, "edge.remote_address").shadowMode());
    assertTrue(rule(edge, "edge.tenant.path_/reports/*").detailedMetric());
    assertTrue(rule(edge, "edge.tenant.path").valueToMetric());
    assertTrue(rule(edge, "edge.tenant.path_/exports/*").shareThreshold());
    assertTrue(rule(edge, "edge.health").unlimited());
  }

  @Test
  void quotaModeAndMetadataLandOnTheRule() throws ConfigException {
    Rule model = rule(Fixtures.valid("edge.yaml"), "edge.model_large");

    assertTrue(model.quotaMode());
    assertFalse(model.shadowMode(), "a quota denies once every quota of the request is over");
    assertEquals(Map.of("backend", "pool-a", "tier", 2), model.metadata(), "a number stays a number");
  }

  @Test
  void postPaidAndItsReservationLandOnTheRule() throws ConfigException {
    RateLimitConfig usage = Fixtures.valid("usage.yaml");

    assertEquals(Optional.of(new PostPaid(4000)), rule(usage, "usage.generic_key_tokens").postPaid());
    assertEquals(Optional.of(PostPaid.WHILE_POSITIVE), rule(usage, "usage.generic_key_while_positive").postPaid(),
        "without a reservation, a call is admitted while the budget is positive");
    assertEquals(Optional.empty(), rule(Fixtures.valid("edge.yaml"), "edge.remote_address").postPaid());
    assertEquals("usage.generic_key_tokens: unit=MINUTE requests_per_unit=100000, shadow_mode: false, algorithm: strict,"
        + " burst: 20000, post_paid: true, reservation: 4000, name: tokens-per-minute",
        RulesDump.line(rule(usage, "usage.generic_key_tokens")));
  }

  @Test
  void namesAndReplacesLandOnTheRule() throws ConfigException {
    RateLimitConfig edge = Fixtures.valid("edge.yaml");

    assertEquals(Optional.of("read_per_user"), rule(edge, "edge.category_read.user").name());
    assertEquals(List.of("read_per_user"), rule(edge, "edge.endpoint_/search.user").replaces());
  }

  @Test
  void extensionsBuildStrictAndTokenBucketPolicies() throws ConfigException {
    RateLimitConfig geocode = Fixtures.valid("geocode.yaml");

    assertEquals(Optional.of(new LimitPolicy(5, Duration.ofSeconds(10), Optional.empty(), Algorithm.STRICT, 3)),
        rule(geocode, "geocode.generic_key_geocode").policy());
    assertEquals(Optional.of(new LimitPolicy(20, Duration.ofMinutes(1), Optional.of(RateUnit.MINUTE),
            Algorithm.TOKEN_BUCKET, 5)),
        rule(geocode, "geocode.generic_key_geocode.caller").policy());
  }

  @Test
  void periodOnItsOwnIsAFixedWindow() throws ConfigException {
    assertEquals(new LimitPolicy(7, Duration.ofSeconds(30), Optional.empty(), Algorithm.FIXED_WINDOW, 7),
        onlyPolicy("{period: 30s, requests_per_unit: 7}"));
    assertEquals(LimitPolicy.fixedWindow(7, RateUnit.HOUR), onlyPolicy("{period: 1h, requests_per_unit: 7}"));
    assertEquals(LimitPolicy.fixedWindow(7, RateUnit.WEEK), onlyPolicy("{period: 1w, requests_per_unit: 7}"));
  }

  @Test
  void burstDefaults() throws ConfigException {
    assertEquals(9, onlyPolicy("{period: 10s, requests_per_unit: 9, algorithm: token_bucket}").burst());
    assertEquals(5, onlyPolicy("{period: 10s, requests_per_unit: 9, algorithm: strict}").burst());
    assertEquals(1, onlyPolicy("{period: 10s, requests_per_unit: 2, algorithm: strict}").burst());
    assertEquals(50, onlyPolicy("{unit: second, requests_per_unit: 9, algorithm: token_bucket, burst: 50}").burst());
  }

  @Test
  void unitsAreCaseInsensitiveAsUpstream() throws ConfigException {
    assertEquals(LimitPolicy.fixedWindow(1, RateUnit.MONTH), onlyPolicy("{unit: MONTH, requests_per_unit: 1}"));
    assertEquals(LimitPolicy.fixedWindow(1, RateUnit.YEAR), onlyPolicy("{unit: Year, requests_per_unit: 1}"));
  }

  @Test
  void readsYamlTheWayUpstreamsGoParserDoes() throws ConfigException {
    RateLimitConfig config = ConfigParser.parse("ports.yaml", """
        domain: ports
        descriptors:
          - key: port
            value: 8080
            shadow_mode: yes
            rate_limit: &base {unit: minute, requests_per_unit: 10}
          - key: port
            value: 9090
            rate_limit:
              <<: *base
              requests_per_unit: 20
        """);

    Rule numeric = rule(config, "ports.port_8080");
    assertTrue(numeric.shadowMode());
    assertEquals(LimitPolicy.fixedWindow(20, RateUnit.MINUTE), rule(config, "ports.port_9090").policy().orElseThrow());
  }

  @Test
  void aDomainWithoutDescriptorsLoadsWithNoRules() throws ConfigException {
    RateLimitConfig config = ConfigParser.parse("quiet.yaml", "domain: quiet\n");

    assertEquals(List.of("quiet"), List.copyOf(config.domains()));
    assertEquals(List.of(), config.rules());
  }

  @Test
  void replacesMayNameARuleWrittenLater() throws ConfigException {
    RateLimitConfig config = ConfigParser.parse("order.yaml", """
        domain: order
        descriptors:
          - key: a
            rate_limit: {unit: second, requests_per_unit: 1, replaces: [{name: later}]}
          - key: b
            rate_limit: {unit: second, requests_per_unit: 1, name: later}
        """);

    assertEquals(List.of("later"), rule(config, "order.a").replaces());
  }
}
