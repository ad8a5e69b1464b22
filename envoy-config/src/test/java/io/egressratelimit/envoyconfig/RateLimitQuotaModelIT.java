package io.egressratelimit.envoyconfig;

import static io.egressratelimit.testing.rlqs.QuotaActions.GEOCODE;
import static io.egressratelimit.testing.rlqs.QuotaActions.abandon;
import static io.egressratelimit.testing.rlqs.QuotaActions.assignment;
import static io.egressratelimit.testing.rlqs.QuotaActions.blanket;
import static io.egressratelimit.testing.rlqs.QuotaActions.requestsPerMinute;
import static io.egressratelimit.testing.rlqs.QuotaActions.response;
import static io.egressratelimit.testing.rlqs.QuotaActions.tokenBucket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.loadgen.upstream.StubUpstream;
import io.egressratelimit.testing.envoy.EnvoyProcess;
import io.egressratelimit.testing.envoy.EnvoyValidation;
import io.egressratelimit.testing.rlqs.BucketBehaviour;
import io.egressratelimit.testing.rlqs.QuotaFilter;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports.BucketQuotaUsage;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy.BlanketRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * One scenario, played on a real Envoy's rate_limit_quota filter and on test-support's model of it
 * ({@link QuotaFilter}, which {@code loadgen rlqs} and the service's tests run): this test is the
 * server, and sends both the same assignments at the same moments; the same requests go through
 * both. Step by step, the model must admit what Envoy admits. Each step is a behaviour the server's
 * bound rests on or docs/rlqs.md states, so a new Envoy that behaves otherwise fails here first.
 *
 * <p>The Envoy runs envoy-rlqs-local.yaml with its bucket's {@code reporting_interval} at 1 s, and two
 * more buckets picked by a header: one whose expired behaviour is {@code reuse_last_assignment}, one
 * whose expired fallback is ALLOW_ALL with no timeout. The model reads its settings from the very
 * file that Envoy runs.
 */
class RateLimitQuotaModelIT {
  private static final BucketId REUSE = BucketId.newBuilder().putBucket("generic_key", "reuse").build();
  private static final BucketId FALLBACK = BucketId.newBuilder().putBucket("generic_key", "fallback-allow").build();
  private static final long NEVER_REFILLS = 600;
  private static final long APPLY_MILLIS = 300;

  private final List<String> envoySteps = new ArrayList<>();
  private final List<String> modelSteps = new ArrayList<>();
  private final Map<BucketId, long[]> seenByClient = new HashMap<>();
  private ScriptedQuotaServer server;
  private GatewayCalls calls;
  private QuotaFilter model;

  @Test
  void theModelAdmitsWhatEnvoyAdmits() throws Exception {
    Path logs = EnvoyFiles.moduleDir().resolve("target/it-logs/rlqs-model");
    Files.createDirectories(logs);
    try (ScriptedQuotaServer scripted = ScriptedQuotaServer.start();
        StubUpstream upstream = StubUpstream.start("127.0.0.1", 0, 4);
        EnvoyProcess envoy = EnvoyProcess.from(EnvoyFiles.envoyFile(EnvoyFiles.RLQS_LOCAL)).name("envoy").logDir(logs)
            .cluster("ratelimit", scripted.port()).cluster("geocode_upstream", upstream.port())
            .edit(RateLimitQuotaModelIT::threeBuckets).start()) {
      server = scripted;
      calls = new GatewayCalls(envoy.url("egress"), "http://127.0.0.1:" + upstream.port());
      model = new QuotaFilter("geocode", behavioursIn(logs.resolve("envoy.yaml")));

      step("no assignment yet: DENY_ALL", GEOCODE, 1);
      ScriptedQuotaServer.Usage first = server.awaitUsages(GEOCODE, 1, 30_000).get(0);
      assertTrue(first.alone(), "a new bucket is reported at once, alone");
      assertEquals(List.of(0L, 1L), counts(first.usage()), "the first report counts the request that made the bucket");

      assign(GEOCODE, assignment(tokenBucket(10, 1, NEVER_REFILLS, 0), 60, 0));
      step("a first token bucket starts full", GEOCODE, 5);
      assign(GEOCODE, assignment(tokenBucket(20, 1, NEVER_REFILLS, 0), 60, 0));
      step("a changed one starts in proportion: 5 of 10 left, so 10 of 20", GEOCODE, 25);
      assign(GEOCODE, assignment(tokenBucket(20, 1, NEVER_REFILLS, 0), 60, 0));
      step("the same one again keeps its (no) tokens", GEOCODE, 5);
      assign(GEOCODE, assignment(tokenBucket(20, 10, NEVER_REFILLS, 0), 60, 0));
      assign(GEOCODE, assignment(tokenBucket(20, 10, 1, 0), 60, 0));
      Thread.sleep(1500);
      step("10 per 1s after 10 per 600s: only the interval's seconds differ, so the old bucket stays", GEOCODE, 20);
      assign(GEOCODE, assignment(blanket(BlanketRule.DENY_ALL), 60, 0));
      step("DENY_ALL", GEOCODE, 3);
      assign(GEOCODE, assignment(tokenBucket(10, 1, NEVER_REFILLS, 0), 60, 0));
      step("a token bucket after a blanket rule starts full", GEOCODE, 15);
      assign(GEOCODE, assignment(blanket(BlanketRule.ALLOW_ALL), 60, 0));
      assign(GEOCODE, assignment(requestsPerMinute(2), 1, 0));
      step("requests_per_time_unit is skipped: ALLOW_ALL stays", GEOCODE, 10);
      Thread.sleep(1600);
      step("and the skipped action's TTL is never armed", GEOCODE, 3);
      assign(GEOCODE, assignment(blanket(BlanketRule.ALLOW_ALL), 1, 800_000_000));
      Thread.sleep(1100); // 1.4 s after it was sent: past 1 s on either side, not yet 1.8 s
      step("a TTL of 1.8s ends after 1s: back to DENY_ALL", GEOCODE, 3);
      assign(GEOCODE, assignment(blanket(BlanketRule.ALLOW_ALL), 0, 900_000_000));
      step("a TTL under a second ends at once", GEOCODE, 3);
      assign(GEOCODE, assignment(tokenBucket(2, 2, 1, 0), 60, 0));
      step("2 per second, full", GEOCODE, 3);
      Thread.sleep(800);
      step("one token back after 0.8s", GEOCODE, 3);
      assign(GEOCODE, assignment(tokenBucket(1, 1, 0, 500_000_000), 60, 0));
      step("a fill interval under a second fills at once, always", GEOCODE, 10);

      step("reuse_last_assignment bucket, no assignment yet", REUSE, 1);
      server.awaitUsages(REUSE, 1, 15_000);
      assign(REUSE, assignment(tokenBucket(100, 100, 1, 0), 1, 0));
      step("reuse_last_assignment bucket, assigned", REUSE, 3);
      Thread.sleep(1600);
      step("reuse_last_assignment is not implemented: expired means the no-assignment DENY_ALL", REUSE, 3);

      step("ALLOW_ALL-fallback bucket, no assignment yet", FALLBACK, 1);
      server.awaitUsages(FALLBACK, 1, 15_000);
      assign(FALLBACK, assignment(blanket(BlanketRule.DENY_ALL), 1, 0));
      step("ALLOW_ALL-fallback bucket, DENY_ALL assigned", FALLBACK, 3);
      Thread.sleep(1600);
      step("an expired fallback without a timeout ends at once: the no-assignment DENY_ALL", FALLBACK, 3);

      System.out.println("Envoy 1.40 and the model, step by step:\n  " + String.join("\n  ", envoySteps));
      assertEquals(modelSteps, envoySteps, "the model admits what Envoy admits, step by step");

      // every request is in a report: wait for the report timer's next tick after the last request
      long lastRequest = System.nanoTime();
      awaitReportAfter(lastRequest, REUSE);
      awaitReportAfter(lastRequest, FALLBACK);
      for (BucketId bucket : List.of(REUSE, FALLBACK)) {
        long[] reported = new long[2];
        server.of(bucket).forEach(u -> {
          reported[0] += u.usage().getNumRequestsAllowed();
          reported[1] += u.usage().getNumRequestsDenied();
        });
        assertEquals(List.of(seenByClient.get(bucket)[0], seenByClient.get(bucket)[1]), List.of(reported[0], reported[1]),
            "Envoy reported every request of " + bucket.getBucketMap() + " as allowed or denied");
      }

      List<Long> gaps = periodicReportGaps(GEOCODE);
      assertTrue(gaps.size() >= 2, "periodic reports: " + gaps);
      for (long gap : gaps) {
        assertTrue(Math.abs(gap - QuotaFilter.REPORT_EVERY.toMillis()) <= 500,
            "reports come every 5 s whatever reporting_interval (1s) says: gaps " + gaps + " ms");
      }

      long abandonedAt = System.nanoTime();
      send(GEOCODE, abandon(GEOCODE));
      step("after an abandon action the bucket starts over: no assignment", GEOCODE, 1);
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (server.of(GEOCODE).stream().noneMatch(u -> u.atNanos() > abandonedAt && u.alone()
          && counts(u.usage()).equals(List.of(0L, 1L)) && u.usage().getTimeElapsed().getSeconds() == 0)) {
        assertTrue(System.nanoTime() < deadline, "the bucket made anew is reported at once: " + server.of(GEOCODE));
        Thread.sleep(50);
      }
      assertEquals(modelSteps, envoySteps);
    }
  }

  /** Per-route settings for the filter (RateLimitQuotaOverride) are refused at load, not ignored (envoyproxy/envoy#46929). */
  @Test
  void envoyRefusesAPerRouteConfigForTheFilter() throws Exception {
    Map<String, Object> tree = new Yaml().load(Files.readString(EnvoyFiles.envoyFile(EnvoyFiles.RLQS_LOCAL)));
    EnvoyConfigEdits.route(tree, "egress_limited", "geocode").put("typed_per_filter_config", Map.of(
        "envoy.filters.http.rate_limit_quota", Map.of(
            "@type", "type.googleapis.com/envoy.extensions.filters.http.rate_limit_quota.v3.RateLimitQuotaOverride",
            "domain", "another")));
    Path config = Files.createDirectories(EnvoyFiles.moduleDir().resolve("target/it-logs/rlqs-model"))
        .resolve("per-route.yaml");
    Files.writeString(config, new Yaml().dump(tree));
    EnvoyValidation validation = EnvoyValidation.of(config);
    assertTrue(!validation.ok() && validation.output().contains(
        "The filter envoy.filters.http.rate_limit_quota doesn't support virtual host or route specific configurations"),
        validation.output());
  }

  /** The filter's one bucket, plus two picked by the x-bucket header, each with settings of its own. */
  private static void threeBuckets(Map<String, Object> tree) {
    Map<String, Object> filter = QuotaFleetConfig.quotaFilter(tree);
    Map<String, Object> matcherList = EnvoyConfigEdits.map(EnvoyConfigEdits.map(filter, "bucket_matchers"), "matcher_list");
    List<Map<String, Object>> matchers = EnvoyConfigEdits.list(matcherList, "matchers");
    Map<String, Object> shipped = matchers.get(0);
    settings(shipped).put("reporting_interval", "1s");
    List<Map<String, Object>> all = new ArrayList<>();
    all.add(QuotaFleetConfig.byHeader(shipped, "x-bucket", "reuse",
        Map.of("expired_assignment_behavior", Map.of("reuse_last_assignment", Map.of()))));
    all.add(QuotaFleetConfig.byHeader(shipped, "x-bucket", "fallback-allow",
        Map.of("expired_assignment_behavior", Map.of("fallback_rate_limit", Map.of("blanket_rule", "ALLOW_ALL")))));
    all.add(shipped);
    matcherList.put("matchers", all);
  }

  private static Map<String, Object> settings(Map<String, Object> matcher) {
    return EnvoyConfigEdits.map(EnvoyConfigEdits.map(EnvoyConfigEdits.map(matcher, "on_match"), "action"), "typed_config");
  }

  /** The model's settings for each bucket, read from the config Envoy runs. */
  private static java.util.function.Function<BucketId, BucketBehaviour> behavioursIn(Path config) throws Exception {
    Map<BucketId, BucketBehaviour> behaviours = new HashMap<>();
    for (QuotaBuckets.Bucket bucket : QuotaBuckets.of(BootstrapLoader.load(config))) {
      BucketId.Builder id = BucketId.newBuilder();
      bucket.settings().getBucketIdBuilder().getBucketIdBuilderMap().forEach((k, v) -> id.putBucket(k, v.getStringValue()));
      behaviours.put(id.build(), BucketBehaviour.of(bucket.settings()));
    }
    assertEquals(3, behaviours.size(), "three buckets in " + config);
    return behaviours::get;
  }

  private void assign(BucketId bucket, io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction
      .QuotaAssignmentAction action) throws InterruptedException {
    send(bucket, response(bucket, action));
  }

  /** To both at once; then a pause, so Envoy's main thread has taken it on before the next request. */
  private void send(BucketId bucket, RateLimitQuotaResponse response) throws InterruptedException {
    server.send(response);
    model.onResponse(response, System.nanoTime());
    Thread.sleep(APPLY_MILLIS);
  }

  /** The same requests through Envoy and the model; each side's count of admitted ones goes in its list. */
  private void step(String what, BucketId bucket, int requests) throws Exception {
    int envoyAdmitted = 0;
    int modelAdmitted = 0;
    String[] header = bucket.equals(GEOCODE) ? new String[0] : new String[] {"x-bucket", bucket.getBucketMap().get("generic_key")};
    for (int i = 0; i < requests; i++) {
      int status = calls.call(header).statusCode();
      boolean admitted = model.admit(bucket, System.nanoTime()).allowed();
      envoyAdmitted += status == 200 ? 1 : 0;
      modelAdmitted += admitted ? 1 : 0;
      long[] seen = seenByClient.computeIfAbsent(bucket, b -> new long[2]);
      seen[status == 200 ? 0 : 1]++;
      assertTrue(status == 200 || status == 429, "Envoy answered " + status + " in step '" + what + "'");
    }
    envoySteps.add(what + ": " + envoyAdmitted + " of " + requests);
    modelSteps.add(what + ": " + modelAdmitted + " of " + requests);
  }

  private void awaitReportAfter(long nanos, BucketId bucket) throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (server.of(bucket).stream().noneMatch(u -> u.atNanos() > nanos)) {
      assertTrue(System.nanoTime() < deadline, "no report of " + bucket.getBucketMap() + " after the last request");
      Thread.sleep(100);
    }
  }

  /**
   * Gaps between the reports the report timer sends, told from a new bucket's report by the time they
   * cover: a new bucket's report covers none.
   */
  private List<Long> periodicReportGaps(BucketId bucket) {
    List<Long> ticks = server.of(bucket).stream().filter(u -> u.usage().getTimeElapsed().getSeconds() >= 1)
        .map(ScriptedQuotaServer.Usage::atNanos).sorted().toList();
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < ticks.size(); i++) {
      gaps.add((ticks.get(i) - ticks.get(i - 1)) / 1_000_000);
    }
    return gaps;
  }

  private static List<Long> counts(BucketQuotaUsage usage) {
    return List.of(usage.getNumRequestsAllowed(), usage.getNumRequestsDenied());
  }
}
