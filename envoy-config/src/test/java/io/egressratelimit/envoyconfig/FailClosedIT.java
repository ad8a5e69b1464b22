package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.loadgen.upstream.StubUpstream;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.envoy.EnvoyProcess;
import io.egressratelimit.testing.envoy.EnvoyStats;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped gateway (envoy-local.yaml, failure_mode_deny, 20 ms) on the pinned Envoy fails closed
 * when the rate limit service is stopped, frozen (SIGSTOP) or slower than the filter's timeout: the
 * caller gets 503, the upstream sees nothing, and calls go out again once the service is back. The
 * service sits behind a relay that can delay it or point at a restarted replica.
 */
class FailClosedIT {
  private static final String LIMITS = String.join("\n",
      "domain: geocode",
      "descriptors:",
      "  - key: generic_key",
      "    value: geocode",
      "    rate_limit: {requests_per_unit: 100000, unit: hour}",
      "");
  private static final String STAT = "cluster.geocode_upstream.ratelimit.";
  private static final int CALLS = 5;

  private static Path logs;
  private static ServiceProcess service;
  private static DelayingProxy relay;
  private static StubUpstream upstream;
  private static EnvoyProcess envoy;
  private static GatewayCalls calls;

  @BeforeAll
  static void start() throws Exception {
    logs = Files.createDirectories(EnvoyFiles.moduleDir().resolve("target/it-logs/fail-closed"));
    Files.writeString(Files.createDirectories(logs.resolve("limits")).resolve("limits.yaml"), LIMITS);
    service = replica("replica");
    relay = new DelayingProxy(service.grpcPort());
    upstream = StubUpstream.start("127.0.0.1", 0, 4);
    envoy = EnvoyProcess.from(EnvoyFiles.envoyFile(EnvoyFiles.LOCAL)).name("envoy").logDir(logs)
        .cluster("ratelimit", relay.port()).cluster("geocode_upstream", upstream.port()).start();
    calls = new GatewayCalls(envoy.url("egress"), "http://127.0.0.1:" + upstream.port());
    awaitCallsGoOut("at start");
  }

  private static ServiceProcess replica(String name) {
    return ServiceProcess.onFreePorts(name, logs, Map.of(), "--config", logs.resolve("limits").toString());
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable part : new AutoCloseable[] {envoy, upstream, relay, service}) {
      if (part != null) {
        part.close();
      }
    }
  }

  @Test
  void aStoppedServiceRefusesEveryCallUntilAReplicaIsBack() throws Exception {
    service.close();
    assertFailsClosed("service stopped");
    service = replica("replica-restarted");
    relay.retarget(service.grpcPort());
    awaitCallsGoOut("after the restart");
  }

  @Test
  void aFrozenServiceRefusesEveryCallUntilItThaws() throws Exception {
    service.pause();
    try {
      assertFailsClosed("service frozen (SIGSTOP)");
    } finally {
      service.resume();
    }
    awaitCallsGoOut("after SIGCONT");
  }

  @Test
  void aServiceSlowerThanTheFilterTimeoutRefusesEveryCall() throws Exception {
    relay.delay(60); // each way: every answer comes 120 ms after its question, past the 20 ms
    try {
      assertFailsClosed("service answering in 120 ms");
    } finally {
      relay.delay(0);
    }
    awaitCallsGoOut("once it answers in time again");
  }

  private static void assertFailsClosed(String situation) throws Exception {
    long upstreamBefore = upstream.arrivals().stats(Duration.ofHours(1), Duration.ZERO, 0).total();
    EnvoyStats before = envoy.stats();
    for (int i = 0; i < CALLS; i++) {
      HttpResponse<String> response = calls.call();
      assertEquals(503, response.statusCode(), situation + ": call " + i + " " + response.headers().map());
    }
    EnvoyStats after = envoy.stats();
    assertEquals(upstreamBefore, upstream.arrivals().stats(Duration.ofHours(1), Duration.ZERO, 0).total(),
        situation + ": the upstream saw a call");
    assertEquals(CALLS, after.get(STAT + "error") - before.get(STAT + "error"), situation + ": Envoy's ratelimit.error");
    assertEquals(0, after.get(STAT + "failure_mode_allowed"), situation + ": no call was let through on failure");
    System.out.printf("fail closed, %s: %d calls, 503 each; Envoy %s%n", situation, CALLS, after.withPrefix(STAT));
  }

  /** Envoy's health check brings a replica back within its interval (5 s); allow for a loaded machine. */
  private static void awaitCallsGoOut(String when) throws Exception {
    HttpResponse<String> response = calls.firstAdmitted(150, Duration.ofMillis(200));
    assertEquals(200, response.statusCode(), "calls go out " + when + ": " + response.body());
    assertTrue(envoy.isAlive());
  }
}
