package io.egressratelimit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.domain.Code;
import io.egressratelimit.domain.Decision;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.DescriptorStatus;
import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.LimitRequest;
import io.egressratelimit.domain.RateUnit;
import io.egressratelimit.domain.RequestDescriptor;
import io.egressratelimit.domain.Rule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DecisionMetricsTest {
  private static final LimitPolicy THREE_PER_MINUTE = LimitPolicy.fixedWindow(3, RateUnit.MINUTE);
  private static final Rule CALLER_RULE = new Rule("geocode", "geocode.generic_key_geocode.caller",
      Optional.of(THREE_PER_MINUTE), false, false, false, false, false, Optional.empty(), List.of(), Map.of());

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final DecisionMetrics metrics = new DecisionMetrics(registry, 0.8);

  private double counter(String name, String key) {
    var counter = registry.find(name).tags("domain", "geocode", "key", key).counter();
    return counter == null ? Double.NaN : counter.count();
  }

  private static LimitRequest request(String caller, long hits) {
    return new LimitRequest("geocode", List.of(new RequestDescriptor(
        List.of(new DescriptorEntry("generic_key", "geocode"), new DescriptorEntry("caller", caller)),
        Optional.empty(), OptionalLong.of(hits))), 1);
  }

  private static Decision decision(String metricKey, Optional<Rule> rule, Code code) {
    return new Decision(code, List.of(new DescriptorStatus(code, rule, metricKey, Optional.of(THREE_PER_MINUTE), 0,
        Duration.ofSeconds(10), false)));
  }

  @Test
  void hitsAreCountedByRuleWithTheDescriptorsHitsAddend() {
    metrics.onDecision(request("billing", 2), decision(CALLER_RULE.fullKey(), Optional.of(CALLER_RULE), Code.OK), 1000);
    metrics.onDecision(request("maps", 1), decision(CALLER_RULE.fullKey(), Optional.of(CALLER_RULE), Code.OVER_LIMIT),
        1000);
    assertEquals(3, counter("ratelimit.hits", CALLER_RULE.fullKey()));
    assertEquals(2, counter("ratelimit.within.limit", CALLER_RULE.fullKey()));
    assertEquals(1, counter("ratelimit.over.limit", CALLER_RULE.fullKey()));
    assertEquals(2, registry.find("ratelimit.decision").timer().count());
    assertEquals(1, registry.find("ratelimit.requests").tag("code", "over_limit").counter().count());
  }

  @Test
  void limitsFromTheRequestWithoutARuleShareOneSeriesPerDomain() {
    for (String caller : List.of("a", "b", "c")) {
      metrics.onDecision(request(caller, 1), decision("geocode.[generic_key=geocode, caller=" + caller + "]",
          Optional.empty(), Code.OK), 1000);
    }
    assertEquals(3, counter("ratelimit.hits", DecisionMetrics.REQUEST_LIMIT_KEY));
    assertNull(registry.find("ratelimit.hits").tags("key", "geocode.[generic_key=geocode, caller=a]").counter(),
        "values Envoy sends never become label values on their own");
  }

  @Test
  void descriptorsNoRuleMatchedAreCountedApartFromTheRules() {
    Decision unmatched = new Decision(Code.OK, List.of(DescriptorStatus.unlimited(Optional.empty(), "")));
    metrics.onDecision(request("billing", 1), unmatched, 1000);
    metrics.onDecision(request("maps", 1), decision(CALLER_RULE.fullKey(), Optional.of(CALLER_RULE), Code.OK), 1000);
    assertEquals(1, registry.find("ratelimit.hits").counters().size(), "only the rule's series");
    assertEquals(1, registry.find("ratelimit.descriptors.unmatched").counter().count());
  }

  /** A warm-up rehearsal makes a rule's meters, at zero, unless its metric key carries the rehearsal's own values. */
  @Test
  void aRehearsalRegistersTheRulesMetersAtZeroAndCountsNothing() {
    metrics.onRehearsal(request("warmup", 1), decision(CALLER_RULE.fullKey(), Optional.of(CALLER_RULE), Code.OK));
    assertEquals(0, counter("ratelimit.hits", CALLER_RULE.fullKey()));
    assertEquals(0, counter("ratelimit.within.limit", CALLER_RULE.fullKey()));
    assertEquals(0, registry.find("ratelimit.decision").timer().count());
    assertEquals(0, registry.find("ratelimit.requests").tag("code", "ok").counter().count());

    String detailed = CALLER_RULE.fullKey() + "_warmup";
    metrics.onRehearsal(request("warmup", 1), decision(detailed, Optional.of(CALLER_RULE), Code.OK));
    assertNull(registry.find("ratelimit.hits").tags("key", detailed).counter(),
        "a value of the rehearsal's making never becomes a label value");
  }

  @Test
  void storeFailuresAreCounted() {
    metrics.onStoreFailure(request("billing", 1), new IllegalStateException("down"));
    assertEquals(1, registry.find("ratelimit.store.failures").counter().count());
  }

  @Test
  void valuesBeyondTheBoundCountUnderTheRulesOwnKeyInBothNamings() {
    Rule perUser = new Rule("geocode", "geocode.user", Optional.of(THREE_PER_MINUTE), false, false, false, true,
        false, Optional.empty(), List.of(), Map.of());
    UpstreamStats upstream = new UpstreamStats();
    DecisionMetrics bounded = new DecisionMetrics(registry, 0.8, upstream, 2);
    for (String user : List.of("alice", "bob", "carol", "dave", "alice")) {
      LimitRequest request = new LimitRequest("geocode", List.of(new RequestDescriptor(
          List.of(new DescriptorEntry("user", user)), Optional.empty(), OptionalLong.empty())), 1);
      bounded.onDecision(request, decision("geocode.user_" + user, Optional.of(perUser), Code.OK), 1000);
    }
    assertEquals(2, counter("ratelimit.hits", "geocode.user_alice"), "the first two values count apart");
    assertEquals(1, counter("ratelimit.hits", "geocode.user_bob"));
    assertEquals(2, counter("ratelimit.hits", "geocode.user"), "carol and dave under the rule's key");
    assertNull(registry.find("ratelimit.hits").tags("key", "geocode.user_carol").counter());
    assertEquals(2, registry.find("ratelimit.metric.keys.folded").counter().count(), "carol and dave");
    String text = upstream.prometheusText();
    assertTrue(text.contains("ratelimit_service_rate_limit_total_hits{domain=\"geocode\",key1=\"user\"} 2"), text);
    assertTrue(text.contains("key1=\"user_alice\"} 2"), text);
    assertFalse(text.contains("user_carol"), text);
  }
}
