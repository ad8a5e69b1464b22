package io.egressratelimit.xds;

import static io.egressratelimit.xds.XdsResources.any;
import static io.egressratelimit.xds.XdsResources.limit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.egressratelimit.config.ConfigException;
import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.config.RuleMatch;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.RateUnit;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitPolicy;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitReplace;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An xDS update becomes the same config a file would, and is refused for the same reasons, by resource and path. */
class ResourceSetTest {

  private static Optional<RuleMatch> match(RateLimitConfig config, String domain, String... keyValues) {
    List<DescriptorEntry> entries = new java.util.ArrayList<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      entries.add(new DescriptorEntry(keyValues[i], keyValues[i + 1]));
    }
    return config.match(domain, entries);
  }

  private static String refused(Any... resources) {
    ConfigException e = assertThrows(ConfigException.class, () -> ResourceSet.decode(List.of(resources), false));
    assertFalse(e.getMessage().contains("(line"), "a resource has no lines: " + e.getMessage());
    return e.getMessage();
  }

  private static io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitConfig.Builder geocode() {
    return io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitConfig.newBuilder().setName("geocode")
        .setDomain("geocode");
  }

  @Test
  void everyFieldOfTheResourceMeansWhatItsYamlKeyMeans() throws Exception {
    var resource = geocode()
        .addDescriptors(RateLimitDescriptor.newBuilder().setKey("client")
            .addDescriptors(RateLimitDescriptor.newBuilder().setKey("path").setValue("/search")
                .setShadowMode(true).setDetailedMetric(true)
                .setRateLimit(RateLimitPolicy.newBuilder().setUnit(RateLimitUnit.WEEK).setRequestsPerUnit((int) 4_000_000_000L).setName("search")))
            .addDescriptors(RateLimitDescriptor.newBuilder().setKey("path").setValue("/health")
                .setRateLimit(RateLimitPolicy.newBuilder().setUnlimited(true)
                    .addReplaces(RateLimitReplace.newBuilder().setName("search")))))
        .build();
    RateLimitConfig config = ResourceSet.decode(List.of(any(resource)), false);

    var search = match(config, "geocode", "client", "a", "path", "/search").orElseThrow().rule();
    assertEquals("geocode.client.path_/search", search.fullKey());
    assertEquals(4_000_000_000L, search.policy().orElseThrow().requestsPerPeriod(), "uint32 beyond int's range");
    assertEquals(Optional.of(RateUnit.WEEK), search.policy().orElseThrow().unit(), "WEEK is number 7");
    assertTrue(search.shadowMode());
    assertTrue(search.detailedMetric());
    assertEquals(Optional.of("search"), search.name());

    var health = match(config, "geocode", "client", "a", "path", "/health").orElseThrow().rule();
    assertTrue(health.policy().isEmpty(), "unlimited");
    assertEquals(List.of("search"), health.replaces());
    assertTrue(match(config, "geocode", "client", "a").isEmpty(), "a key without a limit is no rule");
  }

  @Test
  void severalResourcesMakeOneConfigAndNoResourceMakesAnEmptyOne() throws Exception {
    RateLimitConfig two = ResourceSet.decode(List.of(
        any(limit("a", "geocode", "generic_key", "geocode", RateLimitUnit.SECOND, 1)),
        any(limit("b", "maps", "generic_key", "tiles", RateLimitUnit.YEAR, 2))), false);
    assertEquals(java.util.Set.of("geocode", "maps"), two.domains());
    assertEquals(Optional.of(RateUnit.YEAR),
        match(two, "maps", "generic_key", "tiles").orElseThrow().rule().policy().orElseThrow().unit());
    assertEquals(java.util.Set.of(), ResourceSet.decode(List.of(), false).domains());
  }

  @Test
  void aLimitWithoutAUnitIsRefusedAsInAFile() {
    var resource = geocode().addDescriptors(RateLimitDescriptor.newBuilder().setKey("generic_key")
        .setRateLimit(RateLimitPolicy.newBuilder().setRequestsPerUnit(5))).build();
    assertTrue(refused(any(resource)).startsWith("RateLimitConfig 'geocode': descriptors[0].rate_limit.unit: missing"));
  }

  @Test
  void unlimitedWithAUnitIsRefusedAsInAFile() {
    var resource = geocode().addDescriptors(RateLimitDescriptor.newBuilder().setKey("generic_key")
        .setRateLimit(RateLimitPolicy.newBuilder().setUnlimited(true).setUnit(RateLimitUnit.SECOND))).build();
    assertEquals("RateLimitConfig 'geocode': descriptors[0].rate_limit.unit: should not specify unit when unlimited"
        + " is true", refused(any(resource)));
  }

  @Test
  void anEmptyDomainAndAnEmptyKeyAreRefused() {
    assertTrue(refused(any(geocode().setDomain("").build())).startsWith("RateLimitConfig 'geocode': domain: "));
    var noKey = geocode().addDescriptors(RateLimitDescriptor.newBuilder().setValue("x")).build();
    assertTrue(refused(any(noKey)).startsWith("RateLimitConfig 'geocode': descriptors[0].key: "), refused(any(noKey)));
  }

  @Test
  void aUnitNumberThisServiceDoesNotKnowIsRefused() {
    var resource = geocode().addDescriptors(RateLimitDescriptor.newBuilder().setKey("generic_key")
        .setRateLimit(RateLimitPolicy.newBuilder().setUnitValue(42).setRequestsPerUnit(5))).build();
    assertEquals("RateLimitConfig 'geocode': descriptors[0].rate_limit.unit: unknown unit number 42; expected one of"
        + " SECOND, MINUTE, HOUR, DAY, MONTH, YEAR, WEEK", refused(any(resource)));
  }

  @Test
  void aFieldThisServiceDoesNotKnowIsRefusedRatherThanDropped() {
    var descriptor = RateLimitDescriptor.newBuilder().setKey("generic_key")
        .setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(9, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build());
    var resource = geocode().addDescriptors(descriptor).build();
    assertEquals("RateLimitConfig 'geocode': descriptors[0]: field number(s) 9 of RateLimitDescriptor are not known"
        + " to this service; it cannot apply a config it only partly understands", refused(any(resource)));
  }

  @Test
  void theSameDomainInTwoResourcesNamesBoth() {
    String message = refused(any(limit("a", "geocode", "k", "v", RateLimitUnit.SECOND, 1)),
        any(limit("b", "geocode", "k", "w", RateLimitUnit.SECOND, 1)));
    assertTrue(message.startsWith("RateLimitConfig 'b': domain: duplicate domain 'geocode'; already defined in"
        + " RateLimitConfig 'a'"), message);
  }

  @Test
  void withMergeDomainConfigTheSameDomainInTwoResourcesMerges() throws Exception {
    RateLimitConfig merged = ResourceSet.decode(List.of(any(limit("a", "geocode", "k", "v", RateLimitUnit.SECOND, 1)),
        any(limit("b", "geocode", "k", "w", RateLimitUnit.MINUTE, 2))), true);
    assertEquals(1, match(merged, "geocode", "k", "v").orElseThrow().rule().policy().orElseThrow().requestsPerPeriod());
    assertEquals(2, match(merged, "geocode", "k", "w").orElseThrow().rule().policy().orElseThrow().requestsPerPeriod());
  }

  @Test
  void twoResourcesOfOneNameAreRefused() {
    assertEquals("RateLimitConfig 'a': (document): the update holds two resources of this name",
        refused(any(limit("a", "geocode", "k", "v", RateLimitUnit.SECOND, 1)),
            any(limit("a", "maps", "k", "v", RateLimitUnit.SECOND, 1))));
  }

  @Test
  void anUnnamedResourceIsNamedByItsPosition() {
    var unnamed = limit("", "geocode", "", "v", RateLimitUnit.SECOND, 1);
    assertTrue(refused(any(unnamed)).startsWith("RateLimitConfig resources[0]: descriptors[0].key: "));
  }

  @Test
  void anotherTypeOrBytesThatAreNoRateLimitConfigAreRefused() {
    Any cluster = Any.newBuilder().setTypeUrl("type.googleapis.com/envoy.config.cluster.v3.Cluster").build();
    assertEquals("resources[0]: type URL 'type.googleapis.com/envoy.config.cluster.v3.Cluster' is not "
        + XdsResources.TYPE_URL, refused(cluster));
    Any garbage = Any.newBuilder().setTypeUrl(XdsResources.TYPE_URL).setValue(ByteString.copyFromUtf8("\u00ff\u00ff"))
        .build();
    assertTrue(refused(garbage).startsWith("resources[0]: not a valid RateLimitConfig message: "));
  }
}
