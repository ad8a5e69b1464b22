package io.egressratelimit.testing.rlqs;

import static io.egressratelimit.testing.rlqs.QuotaActions.tokenBucket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EnvoyTokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void startsFullAndGivesWholeTokensOnly() {
    EnvoyTokenBucket bucket = EnvoyTokenBucket.full(tokenBucket(3, 2, 1, 0), 0);
    assertTrue(bucket.tryConsume(0));
    assertTrue(bucket.tryConsume(0));
    assertTrue(bucket.tryConsume(0));
    assertFalse(bucket.tryConsume(0), "empty");
    assertFalse(bucket.tryConsume(SECOND / 4), "half a token is not a token");
    assertTrue(bucket.tryConsume(SECOND / 2), "2 per second: one token after 500ms");
  }

  @Test
  void refillStopsAtMaxTokens() {
    EnvoyTokenBucket bucket = EnvoyTokenBucket.full(tokenBucket(2, 10, 1, 0), 0);
    bucket.tryConsume(0);
    assertEquals(2.0, bucket.available(100 * SECOND), 1e-9);
  }

  @Test
  void aReplacementKeepsTheFillRatioOfTheBucketItReplaces() {
    EnvoyTokenBucket old = EnvoyTokenBucket.full(tokenBucket(4, 1, 60, 0), 0);
    old.tryConsume(0);
    EnvoyTokenBucket replacement = EnvoyTokenBucket.replacing(old, tokenBucket(20, 1, 60, 0), 0);
    assertEquals(15.0, replacement.available(0), 1e-9, "3 of 4 left: 15 of 20");
  }

  @Test
  void fillIntervalIsTruncatedToWholeSecondsAsEnvoyDoes() {
    assertEquals(2.5, EnvoyTokenBucket.fillRate(tokenBucket(5, 5, 2, 500_000_000)), 1e-9, "5 per 2.5s counts as 5 per 2s");
    assertEquals(Double.POSITIVE_INFINITY, EnvoyTokenBucket.fillRate(tokenBucket(5, 1, 0, 500_000_000)));
    EnvoyTokenBucket subSecond = EnvoyTokenBucket.full(tokenBucket(1, 1, 0, 500_000_000), 0);
    assertTrue(subSecond.tryConsume(0));
    assertTrue(subSecond.tryConsume(1), "an infinite fill rate refills at once");
  }
}
