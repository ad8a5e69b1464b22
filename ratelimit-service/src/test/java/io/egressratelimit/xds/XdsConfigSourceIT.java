package io.egressratelimit.xds;

import static io.egressratelimit.xds.XdsResources.TYPE_URL;
import static io.egressratelimit.xds.XdsResources.any;
import static io.egressratelimit.xds.XdsResources.limit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.server.RateLimitServer;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.FreePort;
import io.egressratelimit.testing.Http;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.ServiceProcess;
import io.egressratelimit.testing.TestCertificates;
import io.egressratelimit.xds.AdsManagementServer.Received;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitConfig;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitPolicy;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitUnit;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service takes its limits from a real xDS management server over a socket: ADS, state of the
 * world. Decisions are checked over the service's real gRPC port after every push.
 */
class XdsConfigSourceIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String SERVICE = RateLimitServiceGrpc.SERVICE_NAME;

  @TempDir
  Path dir;

  private static XdsSettings xds(int port, Optional<XdsTlsSettings> tls, boolean startWithoutInitialConfig,
      boolean healthyOnlyWithConfig) {
    return new XdsSettings((tls.isPresent() ? "127.0.0.1:" : "localhost:") + port, "egress-rls",
        Map.of("cluster", "egress"), Map.of("x-xds-token", "t0ken"), tls,
        new ReconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(500), 0.5, true), 4 << 20,
        startWithoutInitialConfig, healthyOnlyWithConfig);
  }

  private static ServerSettings settings(XdsSettings xds) {
    return ServerSettings.inMemory(Path.of("unused"), 0, 0).toBuilder().xds(Optional.of(xds)).build();
  }

  private static RateLimitResponse geocode(RlsTestClient rls) {
    return rls.askGeocode();
  }

  private static long limitOf(RlsTestClient rls) {
    RateLimitResponse response = geocode(rls);
    return response.getStatuses(0).hasCurrentLimit() ? response.getStatuses(0).getCurrentLimit().getRequestsPerUnit()
        : -1;
  }

  private static boolean seen(AdsManagementServer ads, Predicate<Received> what) {
    return ads.received().stream().anyMatch(what);
  }

  private static Received first(AdsManagementServer ads, Predicate<Received> what) {
    return ads.received().stream().filter(what).findFirst().orElseThrow();
  }

  @Test
  void decisionsFollowGoodChangedAndRemovedConfigsAndABadOneIsNackedWhileTheLastGoodOneAnswers() {
    try (AdsManagementServer ads = AdsManagementServer.start(0);
        RateLimitServer server = RateLimitServer.start(settings(xds(ads.port(), Optional.empty(), false, false)));
        RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
      // Before the first config: no answer from no config, and no traffic.
      StatusRuntimeException early = assertThrows(StatusRuntimeException.class, () -> geocode(rls));
      assertEquals(Status.Code.UNAVAILABLE, early.getStatus().getCode());
      assertEquals(ServingStatus.NOT_SERVING, rls.health(SERVICE));
      assertEquals(503, Http.status(server.httpPort(), "/healthcheck"));
      assertTrue(Eventually.within(DEADLINE, () -> !ads.received().isEmpty()), "the service never subscribed");
      DiscoveryRequest subscribe = ads.received().get(0).request();
      assertEquals(TYPE_URL, subscribe.getTypeUrl());
      assertEquals("egress-rls", subscribe.getNode().getId());
      assertEquals("egress", subscribe.getNode().getMetadata().getFieldsOrThrow("cluster").getStringValue());
      assertEquals("t0ken", ads.received().get(0).token(), "the additional header reaches the server");

      // A good config: ACKed, and decisions follow it exactly.
      ads.setSnapshot("v1", TYPE_URL, List.of(any(limit("geocode", "geocode", "generic_key", "geocode",
          RateLimitUnit.MINUTE, 3))));
      assertTrue(Eventually.within(DEADLINE, () -> seen(ads, r -> r.isAckOf("v1"))), "v1 was not ACKed");
      assertEquals("n1", first(ads, r -> r.isAckOf("v1")).request().getResponseNonce());
      for (int i = 0; i < 3; i++) {
        assertEquals(Code.OK, geocode(rls).getOverallCode(), "call " + (i + 1) + " of 3 allowed");
      }
      assertEquals(Code.OVER_LIMIT, geocode(rls).getOverallCode(), "the 4th call in the minute is over the limit");
      assertTrue(Eventually.within(DEADLINE, () -> rls.health(SERVICE) == ServingStatus.SERVING));
      assertEquals(200, Http.status(server.httpPort(), "/healthcheck"));

      // A bad config: NACKed with the reason, and v1 still decides.
      RateLimitConfig noUnit = RateLimitConfig.newBuilder().setName("geocode").setDomain("geocode")
          .addDescriptors(RateLimitDescriptor.newBuilder().setKey("generic_key").setValue("geocode")
              .setRateLimit(RateLimitPolicy.newBuilder().setRequestsPerUnit(500)))
          .build();
      ads.setSnapshot("v2", TYPE_URL, List.of(any(noUnit)));
      assertTrue(Eventually.within(DEADLINE, () -> seen(ads, r -> r.request().hasErrorDetail())), "v2 was not NACKed");
      DiscoveryRequest nack = first(ads, r -> r.request().hasErrorDetail()).request();
      assertEquals("v1", nack.getVersionInfo(), "a NACK names the version still in force");
      assertEquals("n2", nack.getResponseNonce());
      assertTrue(nack.getErrorDetail().getMessage().startsWith(
          "RateLimitConfig 'geocode': descriptors[0].rate_limit.unit: missing"), nack.getErrorDetail().getMessage());
      assertEquals(Code.OVER_LIMIT, geocode(rls).getOverallCode(), "v1's exhausted budget still answers");
      assertEquals(3, geocode(rls).getStatuses(0).getCurrentLimit().getRequestsPerUnit());
      String metrics = Http.get(server.httpPort(), "/metrics").body();
      assertTrue(metrics.contains("ratelimit_config_loads_total{result=\"failure\"} 1.0"), metrics);
      assertTrue(metrics.contains("ratelimit_config_last_load_success 0.0"));

      // A changed config with a second resource: decisions follow both.
      ads.setSnapshot("v3", TYPE_URL, List.of(
          any(limit("geocode", "geocode", "generic_key", "geocode", RateLimitUnit.HOUR, 50)),
          any(limit("maps", "maps", "generic_key", "tiles", RateLimitUnit.SECOND, 1))));
      assertTrue(Eventually.within(DEADLINE, () -> limitOf(rls) == 50), "v3 not in force");
      assertTrue(Eventually.within(DEADLINE, () -> seen(ads, r -> r.isAckOf("v3"))), "v3 was not ACKed");
      var tiles = RlsTestClient.request("maps", RlsTestClient.descriptor("generic_key", "tiles"));
      assertEquals(1, rls.ask(tiles).getStatuses(0).getCurrentLimit().getRequestsPerUnit());
      assertTrue(Http.get(server.httpPort(), "/rlconfig").body().contains("unit=HOUR requests_per_unit=50"));

      // A removed resource would leave geocode unlimited: NACKed, and v3 still decides.
      ads.setSnapshot("v4", TYPE_URL, List.of(any(limit("maps", "maps", "generic_key", "tiles",
          RateLimitUnit.SECOND, 1))));
      assertTrue(Eventually.within(DEADLINE, () -> seen(ads, r -> r.request().hasErrorDetail()
          && "n4".equals(r.request().getResponseNonce()))), "v4 was not NACKed");
      DiscoveryRequest refused = first(ads, r -> "n4".equals(r.request().getResponseNonce())).request();
      assertEquals("v3", refused.getVersionInfo());
      assertTrue(refused.getErrorDetail().getMessage().startsWith("version v4 from the xDS server: the new config has "
          + "no domain geocode (1 rule) of those in force"), refused.getErrorDetail().getMessage());
      assertEquals(50, limitOf(rls), "geocode stays limited");
      assertTrue(Http.get(server.httpPort(), "/metrics").body()
          .contains("ratelimit_config_domain_removals_refused_total 1.0"));
    }
  }

  @Test
  void withRemovalAllowedARemovedResourceTakesItsDomainAway() {
    try (AdsManagementServer ads = AdsManagementServer.start(0);
        RateLimitServer server = RateLimitServer.start(settings(xds(ads.port(), Optional.empty(), false, false))
            .toBuilder().allowDomainRemoval(true).build());
        RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
      ads.setSnapshot("v1", TYPE_URL, List.of(
          any(limit("geocode", "geocode", "generic_key", "geocode", RateLimitUnit.HOUR, 50)),
          any(limit("maps", "maps", "generic_key", "tiles", RateLimitUnit.SECOND, 1))));
      assertTrue(Eventually.within(DEADLINE, () -> seen(ads, r -> r.isAckOf("v1"))), "v1 was not ACKed");
      assertEquals(50, limitOf(rls));
      ads.setSnapshot("v2", TYPE_URL, List.of(any(limit("maps", "maps", "generic_key", "tiles",
          RateLimitUnit.SECOND, 1))));
      assertTrue(Eventually.within(DEADLINE, () -> limitOf(rls) == -1), "v2 not in force");
      assertEquals(Code.OK, geocode(rls).getOverallCode(), "no rule: no limit");
      var tiles = RlsTestClient.request("maps", RlsTestClient.descriptor("generic_key", "tiles"));
      assertTrue(rls.ask(tiles).getStatuses(0).hasCurrentLimit(), "maps is still limited");
      assertTrue(Eventually.within(DEADLINE, () -> seen(ads, r -> r.isAckOf("v2"))), "v2 was not ACKed");
      assertFalse(Http.get(server.httpPort(), "/rlconfig").body().contains("geocode"));
    }
  }

  @Test
  void afterTheManagementServerRestartsTheServiceReconnectsAndTakesTheCurrentSnapshot() {
    AdsManagementServer before = AdsManagementServer.start(0);
    int port = before.port();
    AdsManagementServer after = null;
    try (RateLimitServer server = RateLimitServer.start(settings(xds(port, Optional.empty(), false, false)));
        RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
      before.setSnapshot("v1", TYPE_URL, List.of(any(limit("geocode", "geocode", "generic_key", "geocode",
          RateLimitUnit.MINUTE, 7))));
      assertTrue(Eventually.within(DEADLINE, () -> seen(before, r -> r.isAckOf("v1"))));
      assertEquals(7, limitOf(rls));

      before.close();
      assertEquals(7, limitOf(rls), "while the server is down the last config answers");

      after = AdsManagementServer.start(port);
      AdsManagementServer restarted = after;
      restarted.setSnapshot("v2", TYPE_URL, List.of(any(limit("geocode", "geocode", "generic_key", "geocode",
          RateLimitUnit.MINUTE, 9))));
      assertTrue(Eventually.within(DEADLINE, () -> limitOf(rls) == 9), "the restarted server's snapshot not in force");
      DiscoveryRequest resubscribe = restarted.received().get(0).request();
      assertEquals("v1", resubscribe.getVersionInfo(), "the new stream asks from the version in force");
      assertEquals("", resubscribe.getResponseNonce());
      assertTrue(Eventually.within(DEADLINE, () -> seen(restarted, r -> r.isAckOf("v2"))));
      assertTrue(Eventually.within(DEADLINE, () -> rls.health(SERVICE) == ServingStatus.SERVING));
    } finally {
      before.close();
      if (after != null) {
        after.close();
      }
    }
  }

  @Test
  void upstreamsEnvironmentVariablesSubscribeAServiceProcess() throws Exception {
    int grpcPort = FreePort.find();
    int httpPort = FreePort.find();
    try (AdsManagementServer ads = AdsManagementServer.start(0)) {
      ads.setSnapshot("v1", TYPE_URL, List.of(any(limit("geocode", "geocode", "generic_key", "geocode",
          RateLimitUnit.MINUTE, 2))));
      try (ServiceProcess service = ServiceProcess.start(Map.of("CONFIG_TYPE", "GRPC_XDS_SOTW",
          "CONFIG_GRPC_XDS_SERVER_URL", "localhost:" + ads.port(), "CONFIG_GRPC_XDS_NODE_ID", "egress-rls",
          "CONFIG_GRPC_XDS_NODE_METADATA", "cluster=egress", "CONFIG_GRPC_XDS_CLIENT_ADDITIONAL_HEADERS",
          "x-xds-token:t0ken", "HOST", "127.0.0.1", "GRPC_PORT", Integer.toString(grpcPort),
          "PORT", Integer.toString(httpPort)));
          RlsTestClient rls = RlsTestClient.plaintext(grpcPort)) {
        assertTrue(service.awaitServing(httpPort, Duration.ofSeconds(60)), service.output());
        assertEquals(Code.OK, geocode(rls).getOverallCode());
        assertEquals(Code.OK, geocode(rls).getOverallCode());
        assertEquals(Code.OVER_LIMIT, geocode(rls).getOverallCode());
        Received subscribe = ads.received().get(0);
        assertEquals("egress-rls", subscribe.request().getNode().getId());
        assertEquals("t0ken", subscribe.token());
        assertFalse(service.output().contains("t0ken"), "the header's value is never logged");
      }
    }
  }

  @Test
  void mutualTlsWithTheServersNameGivenApart() {
    TestCertificates certificates = TestCertificates.create(dir);
    try (AdsManagementServer ads = AdsManagementServer.startMutualTls(certificates.serverCert(),
        certificates.serverKey(), certificates.caCert())) {
      ads.setSnapshot("v1", TYPE_URL, List.of(any(limit("geocode", "geocode", "generic_key", "geocode",
          RateLimitUnit.MINUTE, 11))));
      XdsTlsSettings tls = new XdsTlsSettings(Optional.of(certificates.caCert()),
          Optional.of(certificates.clientCert()), Optional.of(certificates.clientKey()), Optional.of("localhost"));
      try (RateLimitServer server = RateLimitServer.start(settings(xds(ads.port(), Optional.of(tls), false, false)));
          RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
        assertTrue(Eventually.within(DEADLINE, () -> seen(ads, r -> r.isAckOf("v1"))), "no config over mTLS");
        assertEquals(11, limitOf(rls));
      }
    }
  }

  @Test
  void forcedStartAnswersFromNoConfigAndHealthWaitsOnlyWhenAskedTo() {
    try (AdsManagementServer ads = AdsManagementServer.start(0)) {
      try (RateLimitServer server = RateLimitServer.start(settings(xds(ads.port(), Optional.empty(), true, false)));
          RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
        assertEquals(Code.OK, geocode(rls).getOverallCode(), "no config yet: nothing is limited");
        assertTrue(server.awaitReady(DEADLINE), "ready once warm, config or not");
        assertEquals(ServingStatus.SERVING, rls.health(SERVICE));
      }
      try (RateLimitServer server = RateLimitServer.start(settings(xds(ads.port(), Optional.empty(), true, true)));
          RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
        assertEquals(Code.OK, geocode(rls).getOverallCode());
        assertEquals(ServingStatus.NOT_SERVING, rls.health(SERVICE));
        assertTrue(Http.get(server.httpPort(), "/healthcheck").body()
            .contains("no limits config has arrived yet from the xDS server at localhost:" + ads.port()));
        ads.setSnapshot("v1", TYPE_URL, List.of(any(limit("geocode", "geocode", "generic_key", "geocode",
            RateLimitUnit.MINUTE, 2))));
        assertTrue(Eventually.within(DEADLINE, () -> rls.health(SERVICE) == ServingStatus.SERVING));
        assertEquals(2, limitOf(rls));
      }
    }
  }

}
