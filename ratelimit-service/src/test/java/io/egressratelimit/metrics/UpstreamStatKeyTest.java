package io.egressratelimit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.egressratelimit.domain.DescriptorEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The labels envoyproxy/ratelimit's default statsd-exporter mapping reads from a stat key. */
class UpstreamStatKeyTest {
  @Test
  void aTopLevelRuleHasADomainAndKey1Only() {
    assertEquals(Map.of("domain", "geocode", "key1", "generic_key_geocode"),
        UpstreamStatKey.labels("geocode.generic_key_geocode"));
  }

  @Test
  void aNestedRuleHasKey2AndDeeperPartsAreDropped() {
    assertEquals(Map.of("domain", "geocode", "key1", "generic_key_geocode", "key2", "caller"),
        UpstreamStatKey.labels("geocode.generic_key_geocode.caller"));
    assertEquals(Map.of("domain", "maps", "key1", "tenant_a", "key2", "route_b"),
        UpstreamStatKey.labels("maps.tenant_a.route_b.method_GET"));
  }

  @Test
  void aDotInsideAValueShiftsThePartsAsUpstreamDoes() {
    assertEquals(Map.of("domain", "egress", "key1", "host_api", "key2", "example"),
        UpstreamStatKey.labels("egress.host_api.example.com"));
  }

  @Test
  void aRequestKeyJoinsKeyAndValueWithAnUnderscoreAndEntriesWithDots() {
    assertEquals("generic_key_other.caller", UpstreamStatKey.requestKey(
        List.of(new DescriptorEntry("generic_key", "other"), new DescriptorEntry("caller", ""))));
  }

  @Test
  void theTextFormatHasUpstreamsNamesWithoutATotalSuffix() {
    UpstreamStats stats = new UpstreamStats();
    stats.rule("geocode.generic_key_geocode").add(new HitCounts(4, 3, 1, 1, 0));
    stats.call("ShouldRateLimit", 1_000_000);
    String text = stats.prometheusText();
    assertEquals(true, text.contains("# TYPE ratelimit_service_rate_limit_total_hits counter\n"
        + "ratelimit_service_rate_limit_total_hits{domain=\"geocode\",key1=\"generic_key_geocode\"} 4\n"), text);
    assertEquals(true, text.contains(
        "ratelimit_service_should_rate_limit_error{err_type=\"redis_error\"} 0\n"
        + "ratelimit_service_should_rate_limit_error{err_type=\"service_error\"} 0\n"), text);
    assertEquals(true, text.contains("ratelimit_service_total_requests{grpc_method=\"ShouldRateLimit\"} 1\n"), text);
  }
}
