package io.egressratelimit.loadgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UInt32Value;
import io.egressratelimit.loadgen.rlqs.TestQuotaServer;
import io.egressratelimit.loadgen.upstream.StubUpstream;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction.QuotaAssignmentAction;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports.BucketQuotaUsage;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code loadgen rlqs} end to end: a real RLQS gRPC stream on a free port, the real stub upstream. */
class RlqsCommandTest {
  /** Two tokens per Envoy and, within a test's run, no refill: at most 2 per Envoy get through. */
  private static final QuotaAssignmentAction TWO_TOKENS = QuotaAssignmentAction.newBuilder()
      .setRateLimitStrategy(RateLimitStrategy.newBuilder().setTokenBucket(TokenBucket.newBuilder()
          .setMaxTokens(2)
          .setTokensPerFill(UInt32Value.of(1))
          .setFillInterval(com.google.protobuf.Duration.newBuilder().setSeconds(3600))))
      .setAssignmentTimeToLive(com.google.protobuf.Duration.newBuilder().setSeconds(60))
      .build();

  private StubUpstream upstream;

  @BeforeEach
  void start() throws Exception {
    upstream = StubUpstream.start("127.0.0.1", 0, 2);
  }

  @AfterEach
  void stop() {
    upstream.close();
  }

  @Test
  void eachEnvoyEnforcesItsAssignmentLocallyAndTheUpstreamJudges() throws Exception {
    try (TestQuotaServer rlqs = TestQuotaServer.assigning(TWO_TOKENS)) {
      CommandRun run = run(rlqs, "--envoys", "2", "--requests", "40", "--budget", "4");
      assertEquals(ExitCodes.BUDGET_HELD, run.exitCode(), run.err() + run.out());
      assertTrue(run.out().matches("(?s).*budget held: max [1-4] admitted in any 10s window \\(budget 4\\).*"), run.out());
      assertTrue(run.out().contains("envoy 1: "), run.out());
      assertTrue(run.out().contains("envoy 2: "), run.out());
      assertEquals(2, rlqs.streams(), "one stream per Envoy");

      RateLimitQuotaUsageReports first = rlqs.received().get(0);
      assertEquals("geocode", first.getDomain());
      BucketQuotaUsage usage = first.getBucketQuotaUsages(0);
      assertEquals("geocode", usage.getBucketId().getBucketMap().get("generic_key"));
      assertEquals(1, usage.getNumRequestsDenied(), "deny-all before the first assignment");
      assertEquals(0, usage.getNumRequestsAllowed());
    }
  }

  @Test
  void allowAllBeforeTheFirstAssignmentBreaksABudgetOfZero() throws Exception {
    try (TestQuotaServer rlqs = TestQuotaServer.assigning(TWO_TOKENS)) {
      CommandRun run = run(rlqs, "--envoys", "1", "--requests", "1", "--no-assignment", "allow-all", "--budget", "0");
      assertEquals(ExitCodes.BUDGET_EXCEEDED, run.exitCode(), run.err() + run.out());
      assertEquals(1, rlqs.received().get(0).getBucketQuotaUsages(0).getNumRequestsAllowed());
    }
  }

  @Test
  void movingDemandIsReportedWithTheTimeTheShareTookToFollow() throws Exception {
    try (TestQuotaServer rlqs = TestQuotaServer.assigning(TWO_TOKENS)) {
      CommandRun run = run(rlqs, "--envoys", "3", "--duration", "1s", "--move-demand-at", "400ms");
      assertEquals(ExitCodes.BUDGET_HELD, run.exitCode(), run.err() + run.out());
      assertTrue(run.out().contains(
          "rebalancing: demand moved from envoy 1 to envoy 3 at 400ms; envoy 3 was assigned 75% of envoy 1's former 0.00/s after "),
          run.out());
      assertTrue(run.out().contains("envoy 2: 0 admitted, 0 assignments, 0 stream(s) opened"), "no demand, no bucket, no stream: " + run.out());
    }
  }

  @Test
  void badOptionsAreNamed() {
    CommandRun bucket = CommandRun.of("rlqs", "--rlqs", "127.0.0.1:8081", "--bucket", "name=");
    assertEquals(ExitCodes.USAGE, bucket.exitCode());
    assertTrue(bucket.err().startsWith("loadgen: Invalid value for option '--bucket'"), bucket.err());
    assertFalse(bucket.err().contains("Exception"), bucket.err());

    CommandRun move = CommandRun.of("rlqs", "--rlqs", "127.0.0.1:8081", "--envoys", "1", "--move-demand-at", "5s");
    assertEquals(ExitCodes.USAGE, move.exitCode());
    assertTrue(move.err().startsWith("loadgen: --move-demand-at needs --envoys 2 or more"), move.err());

    CommandRun none = CommandRun.of("rlqs", "--rlqs", "127.0.0.1:8081", "--no-assignment", "none");
    assertEquals(ExitCodes.USAGE, none.exitCode());
    assertTrue(none.err().startsWith("loadgen: --no-assignment must be deny-all or allow-all"), none.err());
  }

  private CommandRun run(TestQuotaServer rlqs, String... extra) {
    String[] base = {
      "rlqs", "--rlqs", rlqs.target(), "--upstream", "http://127.0.0.1:" + upstream.port(),
      "--workers", "2", "--interval", "5ms", "--start-jitter", "0s", "--max-backoff", "20ms", "--seed", "1"
    };
    String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CommandRun.of(args);
  }

}
