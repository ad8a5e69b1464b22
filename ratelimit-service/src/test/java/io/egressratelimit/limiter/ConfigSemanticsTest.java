package io.egressratelimit.limiter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.config.ConfigException;
import io.egressratelimit.config.ConfigParser;
import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.domain.Code;
import io.egressratelimit.domain.Decision;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.DescriptorStatus;
import io.egressratelimit.domain.LimitRequest;
import io.egressratelimit.domain.RequestDescriptor;
import io.egressratelimit.memory.InMemoryBucketStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Decisions from configs that use every construct of envoyproxy/ratelimit's main branch: our own
 * {@code config/valid/compat.yaml} and upstream's own fixtures and examples, loaded unchanged.
 */
class ConfigSemanticsTest {
  private final ManualClock clock = ManualClock.midMinute();
  private final CountingStore store = new CountingStore(new InMemoryBucketStore(clock));

  private RateLimitEngine engine(String resource) throws ConfigException {
    RateLimitConfig config = ConfigParser.parse(resource.substring(resource.lastIndexOf('/') + 1), text(resource));
    return new RateLimitEngine(() -> config, store, DecisionListener.NONE, System::nanoTime,
        EngineSettings.DEFAULT);
  }

  private static Decision decide(RateLimitEngine engine, String domain, String... descriptors) {
    List<RequestDescriptor> request = new ArrayList<>();
    for (String descriptor : descriptors) {
      List<DescriptorEntry> entries = new ArrayList<>();
      for (String pair : descriptor.split(",")) {
        int split = pair.indexOf('=');
        entries.add(split < 0 ? new DescriptorEntry(pair, "") : new DescriptorEntry(pair.substring(0, split),
            pair.substring(split + 1)));
      }
      request.add(new RequestDescriptor(entries, java.util.Optional.empty(), java.util.OptionalLong.empty()));
    }
    return engine.shouldRateLimit(new LimitRequest(domain, request, 1)).toCompletableFuture().join();
  }

  /** Asks until denied and returns how many were admitted; stops at 100. */
  private static int admittedInARow(RateLimitEngine engine, String domain, String descriptor) {
    for (int admitted = 0; admitted < 100; admitted++) {
      if (decide(engine, domain, descriptor).overallCode() == Code.OVER_LIMIT) {
        return admitted;
      }
    }
    return 100;
  }

  private static long limitOf(Decision decision) {
    return decision.statuses().get(0).currentLimit().orElseThrow().requestsPerPeriod();
  }

  @Test
  void wildcardsAnywhereWithUpstreamsPrecedence() throws ConfigException {
    RateLimitEngine engine = engine("/config/valid/compat.yaml");
    assertEquals(4, limitOf(decide(engine, "compat", "path=/api/v1/action")), "exact beats every wildcard");
    assertEquals(3, limitOf(decide(engine, "compat", "path=/api/v2/action")), "'*' in the middle");
    assertEquals(2, limitOf(decide(engine, "compat", "path=/api/v2/resource/42/action")),
        "two '*'; both wildcards match and the first written wins");
    assertEquals(3, limitOf(decide(engine, "compat", "path=/api//action")), "'*' matches nothing too");
    assertEquals(5, limitOf(decide(engine, "compat", "path=/api/v2/actions")), "no wildcard matches: key only");
    assertEquals(3, admittedInARow(engine, "compat", "path=/api/v9/action"),
        "each value of a wildcard without share_threshold has its own bucket");
  }

  @Test
  void aLeadingWildcardWithShareThresholdIsOneBucketForAllItsValues() throws ConfigException {
    RateLimitEngine engine = engine("/config/valid/compat.yaml");
    assertEquals(Code.OK, decide(engine, "compat", "host=a.example.com").overallCode());
    assertEquals(Code.OK, decide(engine, "compat", "host=b.example.com").overallCode());
    assertEquals(Code.OVER_LIMIT, decide(engine, "compat", "host=c.example.com").overallCode());
    assertTrue(decide(engine, "compat", "host=example.org").statuses().get(0).currentLimit().isEmpty(),
        "a value the wildcard does not match is not limited by it");
  }

  @Test
  void quotasFailOverAndDenyOnlyWhenAllAreOverWhileTheOverOnesSaySo() throws ConfigException {
    RateLimitEngine engine = engine("/config/valid/compat.yaml");
    String[] both = {"backend=pool-a", "backend=pool-b"};
    assertEquals(Code.OK, decide(engine, "compat", both).overallCode());
    Decision failedOver = decide(engine, "compat", both);
    assertEquals(Code.OK, failedOver.overallCode(), "pool-b has quota left");
    assertEquals(List.of(Code.OVER_LIMIT, Code.OK), codes(failedOver));
    Decision exhausted = decide(engine, "compat", both);
    assertEquals(Code.OVER_LIMIT, exhausted.overallCode());
    assertEquals(List.of(Code.OVER_LIMIT, Code.OVER_LIMIT), codes(exhausted));
    assertTrue(exhausted.statuses().get(1).durationUntilReset().compareTo(Duration.ZERO) > 0, "a Retry-After");
  }

  @Test
  void unitMultiplierAndPeriodSitSideBySide() throws ConfigException {
    RateLimitEngine engine = engine("/config/valid/compat.yaml");
    Decision export = decide(engine, "compat", "export=csv");
    assertEquals(Duration.ofMinutes(5), export.statuses().get(0).currentLimit().orElseThrow().period());
    assertEquals(1, admittedInARow(engine, "compat", "export=csv"), "2 per 5 minutes, one spent above");
    clock.advance(Duration.ofMinutes(1));
    assertEquals(Code.OVER_LIMIT, decide(engine, "compat", "export=csv").overallCode(),
        "a minute later the five-minute window still holds");
    assertEquals(Code.OVER_LIMIT, decide(engine, "compat", "report=daily").overallCode(), "strict starts empty");
  }

  @Test
  void unlimitedReportsTheLargestUint32() throws ConfigException {
    DescriptorStatus health = decide(engine("/config/valid/compat.yaml"), "compat", "health").statuses().get(0);
    assertEquals(Code.OK, health.code());
    assertEquals(4294967295L, health.limitRemaining());
    assertEquals(0, store.calls.get());
  }

  @Test
  void metadataOfEveryShapeLandsOnTheRuleAsPlainJava() throws ConfigException {
    RateLimitConfig config = ConfigParser.parse("compat.yaml", text("/config/valid/compat.yaml"));
    Map<String, Object> metadata = config.rules().stream().filter(r -> r.fullKey().equals("compat.backend_pool-a"))
        .findFirst().orElseThrow().metadata();
    assertEquals(Map.of("cluster", "pool-a", "weight", 0.75), metadata.get("route"));
    assertEquals(List.of("gold", "eu"), metadata.get("tags"));
    assertEquals(false, metadata.get("canary"));
    assertTrue(metadata.containsKey("note") && metadata.get("note") == null);
  }

  @Test
  void upstreamsBasicConfigDecidesAsUpstreamDocumentsIt() throws ConfigException {
    RateLimitEngine engine = engine("/config/upstream/basic_config.yaml");
    assertEquals(5, limitOf(decide(engine, "test-domain", "key1=value1,subkey1=something")));
    assertEquals(10, limitOf(decide(engine, "test-domain", "key1=value1,subkey1=subvalue1")));
    assertEquals(20, limitOf(decide(engine, "test-domain", "key2=anything")));
    assertEquals(30, limitOf(decide(engine, "test-domain", "key2=value2")));
    assertTrue(decide(engine, "test-domain", "key2=value3").statuses().get(0).currentLimit().isEmpty(),
        "a value without a limit is whitelisted");
    assertEquals(1, admittedInARow(engine, "test-domain", "key3=x"), "1 per hour");
    assertEquals(25, limitOf(decide(engine, "test-domain", "key5=value5,subkey5=subvalue5")));
  }

  @Test
  void upstreamsExampleBansAShadowsAndUnlimits() throws ConfigException {
    RateLimitEngine engine = engine("/config/upstream/example.yaml");
    assertEquals(Code.OVER_LIMIT, decide(engine, "rl", "foo=x,bar=banned").overallCode(), "0 per minute");
    assertEquals(3, admittedInARow(engine, "rl", "foo=x,bar=y"));
    for (int i = 0; i < 3; i++) {
      assertEquals(Code.OK, decide(engine, "rl", "foo=x,baz=shady").overallCode(), "shadow mode never denies");
    }
    assertEquals(4294967295L, decide(engine, "rl", "qux=1").statuses().get(0).limitRemaining());
    assertEquals(4294967295L, decide(engine, "rl", "foo=x,bay=1").statuses().get(0).limitRemaining());
    assertEquals(1, admittedInARow(engine, "rl", "source_cluster=proxy,destination_cluster=mock"));
  }

  @Test
  void upstreamsQuotaExampleFailsOverFromService1ToService2() throws ConfigException {
    RateLimitEngine engine = engine("/config/upstream/quota.yaml");
    String[] both = {"service=service_1", "service=service_2"};
    assertEquals(List.of(Code.OK, Code.OK), codes(decide(engine, "quota", both)));
    assertEquals(List.of(Code.OVER_LIMIT, Code.OK), codes(decide(engine, "quota", both)));
    Decision exhausted = decide(engine, "quota", both);
    assertEquals(Code.OVER_LIMIT, exhausted.overallCode());
  }

  @Test
  void upstreamsShareThresholdFixtureSharesAcrossMiddleAndMultipleWildcards() throws ConfigException {
    RateLimitEngine engine = engine("/config/upstream/share_threshold.yaml");
    assertEquals(50, limitOf(decide(engine, "test-domain", "file=test1")), "explicit beats the shared wildcard");
    assertEquals(100, limitOf(decide(engine, "test-domain", "file=test2")));
    for (int i = 0; i < 50; i++) {
      decide(engine, "test-domain", i % 2 == 0 ? "multiroute=svcAepBrpc" : "multiroute=svc-x-ep-y-rpc");
    }
    assertEquals(Code.OVER_LIMIT, decide(engine, "test-domain", "multiroute=svcepzrpc").overallCode(),
        "50 per minute shared by every value of svc*ep*rpc");
    assertEquals(Code.OK, decide(engine, "test-domain", "multiroute=svcep").overallCode(),
        "not a match: no limit");
    DescriptorStatus nested = decide(engine, "test-domain", "tenant=t1prod,resource=res9v2").statuses().get(0);
    assertEquals(60, nested.currentLimit().orElseThrow().requestsPerPeriod());
    assertEquals(58, decide(engine, "test-domain", "tenant=t2prod,resource=resXv2").statuses().get(0)
        .limitRemaining(), "both levels share: another tenant and resource draw from the same bucket");
  }

  @Test
  void upstreamsWildcardAndUnitMultiplierFixturesLoadAndLimit() throws ConfigException {
    RateLimitEngine wildcard = engine("/config/upstream/wildcard.yaml");
    assertEquals(20, limitOf(decide(wildcard, "test-domain", "wild=foobar")));
    assertEquals(20, limitOf(decide(wildcard, "test-domain", "midWild=barXXb")));
    assertTrue(decide(wildcard, "test-domain", "midWild=barXXc").statuses().get(0).currentLimit().isEmpty());
    RateLimitEngine multiplied = engine("/config/upstream/unit_multiplier.yaml");
    assertEquals(Duration.ofMinutes(5), decide(multiplied, "test-domain", "key1").statuses().get(0)
        .currentLimit().orElseThrow().period());
    assertEquals(Duration.ofMinutes(1), decide(multiplied, "test-domain", "key2").statuses().get(0)
        .currentLimit().orElseThrow().period());
  }

  @Test
  void upstreamsEmptyDescriptorListsLoad() throws ConfigException {
    for (String name : List.of("multiple_1.yaml", "multiple_3.yaml", "multiple_default.yaml", "config.yaml",
        "metadata.yaml")) {
      RateLimitConfig config = ConfigParser.parse(name, text("/config/upstream/" + name));
      assertEquals(1, config.domains().size(), name);
    }
  }

  private static List<Code> codes(Decision decision) {
    return decision.statuses().stream().map(DescriptorStatus::code).toList();
  }

  private static String text(String resource) {
    try (InputStream in = ConfigSemanticsTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
