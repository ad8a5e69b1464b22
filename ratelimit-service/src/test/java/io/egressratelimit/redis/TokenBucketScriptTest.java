package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.egressratelimit.domain.BucketKey;
import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import io.egressratelimit.limiter.store.BucketState;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The script's wire format: what one call sends for a group of requests, and how its reply is read. */
class TokenBucketScriptTest {
  private static final BucketSpec TEN_PER_SECOND =
      new BucketSpec(10, 10, Duration.ofSeconds(1), BucketSpec.RefillStyle.GREEDY, 10);
  private static final BucketSpec HOURLY =
      new BucketSpec(5, 5, Duration.ofHours(1), BucketSpec.RefillStyle.INTERVAL_ALIGNED, 5);

  private static BucketBatch hot() {
    return new BucketBatch(List.of(new BucketClaim("hot", TEN_PER_SECOND, 1, 1, true)), "d");
  }

  private static TokenBucketScript.Call encode(List<BucketBatch> batches) {
    return TokenBucketScript.encode(batches, -1,
        (batch, claim) -> BucketKey.inStore("p:", batch.domain(), claim.key()));
  }

  @Test
  void aGroupOfRequestsAlikeIsOneRunWhateverItsSize() {
    TokenBucketScript.Call call = encode(Collections.nCopies(30, hot()));
    assertArrayEquals(new String[] {"p:{d}hot"}, call.keys());
    assertArrayEquals(new String[] {
        "-1", "1", "10", "10", "1000000", "0", "10", // now, one bucket and its shape
        "1", "30", "1", "1", "1", "1", "1"}, // one run of 30 requests of one claim: bucket 1, 1 required, 1 taken, enforced
        call.args());
  }

  @Test
  void requestsThatAskDifferentlyStartNewRunsAndEachBucketsShapeIsSentOnce() {
    BucketBatch twoBuckets = new BucketBatch(List.of(new BucketClaim("hot", TEN_PER_SECOND, 1, 1, true),
        new BucketClaim("user", HOURLY, 2, 0, false)), "d");
    TokenBucketScript.Call call = encode(List.of(hot(), hot(), twoBuckets, hot()));
    assertArrayEquals(new String[] {"p:{d}hot", "p:{d}user"}, call.keys());
    assertArrayEquals(new String[] {
        "-1", "2", "10", "10", "1000000", "0", "10", "5", "5", "3600000000", "1", "5",
        "3",
        "2", "1", "1", "1", "1", "1",
        "1", "2", "1", "1", "1", "1", "2", "2", "0", "0",
        "1", "1", "1", "1", "1", "1"},
        call.args());
  }

  @Test
  void theReplyHasOneOutcomePerRequestInArrivalOrder() {
    List<BucketBatch> batches = List.of(hot(), hot());
    long[] reply = {1, 1, 9, 0, 100_000, 0, 0, 0, 50_000, 1_000_000};
    List<BatchOutcome> outcomes = TokenBucketScript.decode(reply, batches);
    assertEquals(List.of(
        new BatchOutcome(true, List.of(new BucketState(true, 9, Duration.ZERO, Duration.ofMillis(100)))),
        new BatchOutcome(false, List.of(new BucketState(false, 0, Duration.ofMillis(50), Duration.ofSeconds(1))))),
        outcomes);
  }

  @Test
  void aReplyShorterThanItsBatchesIsRefusedWithBothCounts() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TokenBucketScript.decode(new long[] {1, 1, 9, 0, 100_000, 0}, List.of(hot(), hot())));
    assertEquals("script reply has 6 numbers, expected 10", e.getMessage());
  }
}
