package io.egressratelimit.loadgen.rlqs;

import static io.egressratelimit.testing.rlqs.QuotaActions.GEOCODE;
import static io.egressratelimit.testing.rlqs.QuotaActions.assignment;
import static io.egressratelimit.testing.rlqs.QuotaActions.blanket;
import static io.egressratelimit.testing.rlqs.QuotaActions.tokenBucket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.loadgen.rls.GrpcChannels;
import io.egressratelimit.loadgen.rls.RlsTarget;
import io.egressratelimit.testing.rlqs.BucketBehaviour;
import io.egressratelimit.testing.rlqs.QuotaFilter;
import io.egressratelimit.testing.rlqs.SimulatedEnvoy;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy.BlanketRule;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** One simulated Envoy over a real gRPC stream on a free port. */
class SimulatedEnvoyTest {
  private static final BucketBehaviour DENY =
      new BucketBehaviour(BlanketRule.DENY_ALL, Optional.of(blanket(BlanketRule.DENY_ALL)), Duration.ZERO);

  @Test
  void aStreamTheServerEndsIsReopenedOnTheNextTickAndTheAssignmentHoldsMeanwhile() throws Exception {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try (TestQuotaServer server = TestQuotaServer.endingEachStreamAfterItsFirstAnswer(
            assignment(tokenBucket(3, 1, 3600, 0), 600, 0))) {
      ManagedChannel channel = GrpcChannels.open(RlsTarget.parse(server.target()), Optional.empty());
      ShareLog shares = new ShareLog();
      try (SimulatedEnvoy envoy = new SimulatedEnvoy(new QuotaFilter("geocode", DENY), channel,
          Duration.ofMillis(200), timer, System::nanoTime,
          applied -> shares.record(0, applied.atNanos(), ShareLog.rateOf(applied.action())))) {
        assertFalse(envoy.admit(GEOCODE), "DENY_ALL before the first assignment");
        await(() -> envoy.assignments() >= 1);
        assertTrue(envoy.admit(GEOCODE), "the assignment's token bucket starts full");

        // the next report goes out on a new stream, which the server then sees
        await(() -> envoy.streamsOpened() >= 2 && server.streams() >= 2);
        assertTrue(envoy.admit(GEOCODE), "the assignment still holds while its stream is gone");
        assertEquals(1.0 / 3600, shares.rateAt(0, System.nanoTime()).orElseThrow(), 1e-12);
      } finally {
        GrpcChannels.close(List.of(channel));
      }
    } finally {
      timer.shutdownNow();
    }
  }

  /** Waits a bounded time for something the stream brings; the bound is generous, never asserted on. */
  private static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "the condition did not come true within 20s");
      Thread.sleep(20);
    }
  }
}
