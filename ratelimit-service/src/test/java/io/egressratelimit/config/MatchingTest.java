package io.egressratelimit.config;

import static io.egressratelimit.config.Fixtures.entries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** envoyproxy/ratelimit's matching, and the bucket and metric keys of each match. */
class MatchingTest {
  private static final String PREFERENCE = """
      domain: maps
      descriptors:
        - key: path
          rate_limit: {unit: minute, requests_per_unit: 1}
        - key: path
          value: /maps/*
          rate_limit: {unit: minute, requests_per_unit: 2}
        - key: path
          value: /maps/api/*
          rate_limit: {unit: minute, requests_per_unit: 3}
        - key: path
          value: /maps/api/geocode/json
          rate_limit: {unit: minute, requests_per_unit: 4}
      """;

  private static RateLimitConfig edge;
  private static RateLimitConfig preference;

  @BeforeAll
  static void load() throws ConfigException {
    edge = Fixtures.valid("edge.yaml");
    preference = ConfigParser.parse("maps.yaml", PREFERENCE);
  }

  private static RuleMatch match(RateLimitConfig config, String domain, String... pairs) {
    return config.match(domain, entries(pairs)).orElseThrow(() -> new AssertionError("no match"));
  }

  @Test
  void exactValueIsPreferredOverWildcardAndKeyOnly() {
    assertEquals("maps.path_/maps/api/geocode/json",
        match(preference, "maps", "path=/maps/api/geocode/json").rule().fullKey());
  }

  @Test
  void firstWildcardInFileOrderIsPreferredOverKeyOnly() {
    // Upstream tries wildcards in file order, not longest prefix first: /maps/* comes before /maps/api/*.
    assertEquals("maps.path_/maps/*", match(preference, "maps", "path=/maps/api/directions").rule().fullKey());
    assertEquals("maps.path_/maps/*", match(preference, "maps", "path=/maps/").rule().fullKey());
  }

  /** What the warm-up sends to walk the matching: a descriptor per rule, each matched by a rule. */
  @Test
  void examplesHaveADescriptorPerRuleThatTheConfigMatches() {
    assertEquals(List.of(entries("path=warmup"), entries("path=/maps/"), entries("path=/maps/api/"),
        entries("path=/maps/api/geocode/json")), preference.examples().get("maps"));
    for (var domain : edge.examples().entrySet()) {
      assertTrue(!domain.getValue().isEmpty(), domain.getKey());
      for (var example : domain.getValue()) {
        assertTrue(edge.match(domain.getKey(), example).isPresent(), domain.getKey() + " " + example);
      }
    }
    assertEquals(edge.domains(), edge.examples().keySet());
  }

  @Test
  void keyOnlyMatchesAnyOtherValue() {
    assertEquals("maps.path", match(preference, "maps", "path=/elevation").rule().fullKey());
  }

  @Test
  void keyOnlyRuleCountsEachValueInItsOwnBucket() {
    RuleMatch first = match(edge, "edge", "remote_address=198.51.100.1");
    RuleMatch second = match(edge, "edge", "remote_address=198.51.100.2");

    assertEquals("edge|remote_address=198.51.100.1", first.bucketKey());
    assertEquals("edge|remote_address=198.51.100.2", second.bucketKey());
    assertEquals(first.rule(), second.rule());
    assertEquals("edge.remote_address", first.metricKey());
  }

  @Test
  void explicitValueOverridesTheKeyOnlyRule() {
    RuleMatch blocked = match(edge, "edge", "remote_address=192.0.2.66");

    assertEquals("edge.remote_address_192.0.2.66", blocked.rule().fullKey());
    assertEquals(0, blocked.rule().policy().orElseThrow().requestsPerPeriod());
  }

  @Test
  void ruleAppliesOnlyWhenDescriptorHasExactlyItsDepth() {
    assertEquals(Optional.empty(), edge.match("edge", entries("remote_address=198.51.100.1", "user=u1")));
    assertEquals(Optional.empty(), edge.match("edge", entries("tenant=acme")));
    assertEquals("edge.tenant.path", match(edge, "edge", "tenant=acme", "path=/x").rule().fullKey());
  }

  @Test
  void matchingDoesNotBacktrackToALessSpecificSibling() throws ConfigException {
    RateLimitConfig config = ConfigParser.parse("nested.yaml", """
        domain: nested
        descriptors:
          - key: a
            value: "1"
            descriptors:
              - key: b
                rate_limit: {unit: second, requests_per_unit: 1}
          - key: a
            descriptors:
              - key: c
                rate_limit: {unit: second, requests_per_unit: 1}
        """);

    assertEquals(Optional.empty(), config.match("nested", entries("a=1", "c=x")));
    assertEquals("nested.a.c", match(config, "nested", "a=2", "c=x").rule().fullKey());
  }

  @Test
  void unknownDomainAndEmptyDescriptorMatchNothing() {
    assertEquals(Optional.empty(), edge.match("nope", entries("remote_address=198.51.100.1")));
    assertEquals(Optional.empty(), edge.match("edge", List.of()));
    assertEquals(Optional.empty(), edge.match("edge", entries("unconfigured=1")));
  }

  @Test
  void shareThresholdFoldsEveryMatchingValueIntoOneBucket() {
    RuleMatch pdf = match(edge, "edge", "tenant=acme", "path=/exports/a.pdf");
    RuleMatch csv = match(edge, "edge", "tenant=acme", "path=/exports/b.csv");
    RuleMatch otherTenant = match(edge, "edge", "tenant=globex", "path=/exports/a.pdf");

    assertEquals("edge|tenant=acme|path=/exports/*", pdf.bucketKey());
    assertEquals(pdf.bucketKey(), csv.bucketKey());
    assertEquals("edge|tenant=globex|path=/exports/*", otherTenant.bucketKey());
    assertEquals("edge.tenant.path_/exports/*", pdf.metricKey());
    assertTrue(pdf.rule().shareThreshold());
  }

  @Test
  void wildcardWithoutShareThresholdCountsEachValue() {
    RuleMatch daily = match(edge, "edge", "tenant=acme", "path=/reports/daily");
    RuleMatch weekly = match(edge, "edge", "tenant=acme", "path=/reports/weekly");

    assertEquals("edge|tenant=acme|path=/reports/daily", daily.bucketKey());
    assertNotEquals(daily.bucketKey(), weekly.bucketKey());
    assertEquals(daily.rule(), weekly.rule());
  }

  @Test
  void detailedMetricPutsEveryRequestValueInTheMetricKey() {
    assertEquals("edge.tenant_acme.path_/reports/daily",
        match(edge, "edge", "tenant=acme", "path=/reports/daily").metricKey());
  }

  @Test
  void valueToMetricPutsOnlyItsOwnDepthsValueInTheMetricKey() {
    RuleMatch match = match(edge, "edge", "tenant=acme", "path=/status");

    assertEquals("edge.tenant.path_/status", match.metricKey());
    assertEquals("edge.tenant.path", match.rule().fullKey());
  }

  @Test
  void valueToMetricOnAWildcardShowsTheValueInsteadOfThePattern() throws ConfigException {
    RateLimitConfig config = ConfigParser.parse("models.yaml", """
        domain: models
        descriptors:
          - key: model
            value: gpt-*
            value_to_metric: true
            descriptors:
              - key: user
                rate_limit: {unit: minute, requests_per_unit: 10}
        """);

    RuleMatch match = match(config, "models", "model=gpt-large", "user=u7");

    assertEquals("models.model_gpt-large.user", match.metricKey());
    assertEquals("models.model_gpt-*.user", match.rule().fullKey());
    assertTrue(match.rule().valueToMetric());
  }

  @Test
  void shareThresholdOnAnUpperLevelSharesTheBucketOfADeeperRule() throws ConfigException {
    RateLimitConfig config = ConfigParser.parse("files.yaml", """
        domain: files
        descriptors:
          - key: path
            value: files/*
            share_threshold: true
            descriptors:
              - key: method
                value: GET
                rate_limit: {unit: hour, requests_per_unit: 100}
        """);

    RuleMatch match = match(config, "files", "path=files/a.txt", "method=GET");

    assertEquals("files|path=files/*|method=GET", match.bucketKey());
    assertEquals("files.path_files/*.method_GET", match.metricKey());
    assertTrue(match.rule().shareThreshold());
  }

  @Test
  void bucketKeyEscapesItsSeparators() throws ConfigException {
    RateLimitConfig config = ConfigParser.parse("users.yaml", """
        domain: users
        descriptors:
          - key: user
            rate_limit: {unit: second, requests_per_unit: 1}
        """);

    assertEquals("users|user=a\\|b\\=c\\\\d\\#e", match(config, "users", "user=a|b=c\\d#e").bucketKey());
    assertNotEquals(match(config, "users", "user=a|b").bucketKey(), match(config, "users", "user=a\\|b").bucketKey());
  }

  @Test
  void emptyRequestValueMatchesKeyOnlyRule() {
    RuleMatch match = edge.match("edge", entries("remote_address")).orElseThrow();

    assertEquals("edge.remote_address", match.rule().fullKey());
    assertEquals("edge|remote_address=", match.bucketKey());
  }
}
