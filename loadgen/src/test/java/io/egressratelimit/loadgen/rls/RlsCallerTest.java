package io.egressratelimit.loadgen.rls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Duration;
import io.egressratelimit.loadgen.traffic.ApiKey;
import io.egressratelimit.loadgen.traffic.CallResult;
import io.egressratelimit.loadgen.traffic.Caller;
import io.egressratelimit.loadgen.traffic.HttpCaller;
import io.egressratelimit.loadgen.traffic.LatLng;
import io.egressratelimit.loadgen.traffic.Outcome;
import io.egressratelimit.loadgen.upstream.StubUpstream;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rls mode against real gRPC servers and the real stub upstream, all on free ports. */
class RlsCallerTest {
  private static final LatLng POINT = new LatLng(1, 2);
  private static final java.time.Duration ENVOY_DEADLINE = java.time.Duration.ofMillis(20);
  /** For calls meant to succeed: a cold JVM's first call can take longer than Envoy's 20ms. */
  private static final java.time.Duration SURE_DEADLINE = java.time.Duration.ofSeconds(5);

  private StubUpstream upstream;

  @BeforeEach
  void startUpstream() throws Exception {
    upstream = StubUpstream.start("127.0.0.1", 0, 2);
  }

  @AfterEach
  void stopUpstream() {
    upstream.close();
  }

  @Test
  void okSendsTheConfiguredDescriptorsAndCallsTheUpstream() throws Exception {
    try (TestRateLimitServer rls = TestRateLimitServer.allowingFirst(10, java.time.Duration.ZERO);
        RlsCaller caller = caller(List.of(rls), "geocode", "generic_key=geocode,caller=batch", false, SURE_DEADLINE)) {
      CallResult result = caller.call(POINT);
      assertEquals(Outcome.ADMITTED, result.outcome());
      assertFalse(result.rlsFailed());
      assertEquals(1, upstreamTotal());
      RateLimitRequest sent = rls.received().get(0);
      assertEquals("geocode", sent.getDomain());
      assertEquals(1, sent.getDescriptorsCount());
      assertEquals("generic_key", sent.getDescriptors(0).getEntries(0).getKey());
      assertEquals("geocode", sent.getDescriptors(0).getEntries(0).getValue());
      assertEquals("caller", sent.getDescriptors(0).getEntries(1).getKey());
      assertEquals("batch", sent.getDescriptors(0).getEntries(1).getValue());
    }
  }

  @Test
  void theDecisionAndTheUpstreamAreMeasuredApart() throws Exception {
    RateLimitResponse ok = RateLimitResponse.newBuilder().setOverallCode(RateLimitResponse.Code.OK).build();
    long slowDecision = java.time.Duration.ofMillis(40).toNanos();
    try (TestRateLimitServer rls = TestRateLimitServer.answering(n -> {
          sleepNanos(slowDecision);
          return ok;
        });
        RlsCaller caller = caller(List.of(rls), "geocode", "generic_key=geocode", false, SURE_DEADLINE)) {
      CallResult result = caller.call(POINT);
      assertEquals(Outcome.ADMITTED, result.outcome());
      assertTrue(result.decisionNanos() >= slowDecision, "the decision holds the call at least as long as the service took");
      assertTrue(result.upstreamNanos() >= 0, "the upstream was called and timed");
      assertTrue(result.decisionNanos() + result.upstreamNanos() <= result.latencyNanos(),
          "both parts lie inside the whole call: " + result);
    }
  }

  @Test
  void aDeniedCallIsAllDecision() throws Exception {
    try (TestRateLimitServer rls = TestRateLimitServer.allowingFirst(0, java.time.Duration.ofSeconds(1));
        RlsCaller caller = caller(List.of(rls), "geocode", "generic_key=geocode", false, SURE_DEADLINE)) {
      CallResult result = caller.call(POINT);
      assertEquals(Outcome.REJECTED, result.outcome());
      assertEquals(result.latencyNanos(), result.decisionNanos());
      assertEquals(CallResult.NOT_MEASURED, result.upstreamNanos());
    }
  }

  private static void sleepNanos(long nanos) {
    try {
      Thread.sleep(nanos / 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void overLimitIsA429WhoseHintIsTheLongestReset() throws Exception {
    RateLimitResponse twoOverLimit =
        RateLimitResponse.newBuilder()
            .setOverallCode(RateLimitResponse.Code.OVER_LIMIT)
            .addStatuses(status(RateLimitResponse.Code.OVER_LIMIT, 3))
            .addStatuses(status(RateLimitResponse.Code.OVER_LIMIT, 5))
            .addStatuses(status(RateLimitResponse.Code.OK, 9))
            .build();
    try (TestRateLimitServer rls = TestRateLimitServer.answering(n -> twoOverLimit);
        RlsCaller caller = caller(List.of(rls), "geocode", "generic_key=geocode", false, SURE_DEADLINE)) {
      CallResult result = caller.call(POINT);
      assertEquals(Outcome.REJECTED, result.outcome());
      assertEquals(Optional.of(java.time.Duration.ofSeconds(5)), result.retryHint());
      assertEquals(0, upstreamTotal());
    }
  }

  @Test
  void unknownIsReadAsOkLikeEnvoyDoes() throws Exception {
    try (TestRateLimitServer rls = TestRateLimitServer.answering(n -> RateLimitResponse.getDefaultInstance());
        RlsCaller caller = caller(List.of(rls), "geocode", "generic_key=geocode", false, SURE_DEADLINE)) {
      assertEquals(Outcome.ADMITTED, caller.call(POINT).outcome());
    }
  }

  @Test
  void callsAreSpreadOverTheReplicas() throws Exception {
    try (TestRateLimitServer first = TestRateLimitServer.allowingFirst(10, java.time.Duration.ZERO);
        TestRateLimitServer second = TestRateLimitServer.allowingFirst(10, java.time.Duration.ZERO);
        RlsCaller caller = caller(List.of(first, second), "geocode", "generic_key=geocode", false, SURE_DEADLINE)) {
      for (int i = 0; i < 6; i++) {
        caller.call(POINT);
      }
      assertEquals(3, first.received().size());
      assertEquals(3, second.received().size());
    }
  }

  @Test
  void missedDeadlineWithFailureModeDenyNeverReachesTheUpstream() throws Exception {
    try (TestRateLimitServer rls = TestRateLimitServer.hanging();
        RlsCaller caller = caller(List.of(rls), "geocode", "generic_key=geocode", true, ENVOY_DEADLINE)) {
      CallResult result = caller.call(POINT);
      assertEquals(Outcome.FAILED, result.outcome());
      assertTrue(result.rlsFailed());
      assertEquals(1, rls.received().size(), "the call did reach the service");
      assertEquals(0, upstreamTotal());
    }
  }

  @Test
  void missedDeadlineWithoutFailureModeDenyLetsTheCallThrough() throws Exception {
    try (TestRateLimitServer rls = TestRateLimitServer.hanging();
        RlsCaller caller = caller(List.of(rls), "geocode", "generic_key=geocode", false, ENVOY_DEADLINE)) {
      CallResult result = caller.call(POINT);
      assertEquals(Outcome.ADMITTED, result.outcome());
      assertTrue(result.rlsFailed());
      assertEquals(1, upstreamTotal());
    }
  }

  @Test
  void anUnreachableReplicaIsNamed() throws Exception {
    TestRateLimitServer gone = TestRateLimitServer.allowingFirst(1, java.time.Duration.ZERO);
    gone.close();
    RlsTarget target = RlsTarget.parse(gone.target());
    try (RlsClient client = RlsClient.open(List.of(target), Optional.empty(), "geocode",
        List.of(DescriptorSpec.parse("generic_key=geocode")), ENVOY_DEADLINE)) {
      assertEquals(List.of(target), client.awaitReady(java.time.Duration.ofMillis(300)));
    }
  }

  @Test
  void targetsAndDescriptorsParseOrSayWhy() {
    assertEquals(new RlsTarget("::1", 8081), RlsTarget.parse("[::1]:8081"));
    assertEquals("'host' is not HOST:PORT, e.g. 127.0.0.1:8081",
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> RlsTarget.parse("host")).getMessage());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> RlsTarget.parse("h:70000"));
    assertEquals(2, DescriptorSpec.parse("a=1,b=").getEntriesCount());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> DescriptorSpec.parse("a=1,,b=2"));
  }

  private RlsCaller caller(
      List<TestRateLimitServer> servers, String domain, String descriptor, boolean deny, java.time.Duration deadline)
      throws Exception {
    List<RlsTarget> targets = servers.stream().map(s -> RlsTarget.parse(s.target())).toList();
    RlsClient client = RlsClient.open(targets, Optional.empty(), domain, List.of(DescriptorSpec.parse(descriptor)), deadline);
    assertEquals(List.of(), client.awaitReady(java.time.Duration.ofSeconds(5)));
    Optional<ApiKey> key = ApiKey.resolve(null, Map.of(ApiKey.ENV_VAR, "test-key"));
    Caller http = new HttpCaller(HttpCaller.newClient(java.time.Duration.ofSeconds(2)),
        URI.create("http://127.0.0.1:" + upstream.port()), key, java.time.Duration.ofSeconds(2), Clock.systemUTC());
    return new RlsCaller(client, Optional.of(http), deny);
  }

  private long upstreamTotal() {
    return upstream.arrivals().stats(java.time.Duration.ofSeconds(10), java.time.Duration.ZERO, 0).total();
  }

  private static RateLimitResponse.DescriptorStatus status(RateLimitResponse.Code code, long resetSeconds) {
    return RateLimitResponse.DescriptorStatus.newBuilder()
        .setCode(code)
        .setDurationUntilReset(Duration.newBuilder().setSeconds(resetSeconds))
        .build();
  }
}
