package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import io.egressratelimit.limiter.store.BucketSpec.RefillStyle;
import io.egressratelimit.testing.redis.OneRedisServer;
import io.egressratelimit.testing.redis.RespClient;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The two scripts of a request over several slots, called as the store calls them, at times set by
 * hand on a real redis-server: a take that leaves a receipt, and its give-back, which returns what
 * was taken less what refilled while it was held, once, and only with the receipt and the bucket
 * still there.
 */
class GiveBackIT {
  /** Ten tokens a second, one every 100 ms. */
  private static final BucketSpec GREEDY = new BucketSpec(10, 10, Duration.ofSeconds(1), RefillStyle.GREEDY, 10);
  private static final BucketSpec STRICT = new BucketSpec(10, 10, Duration.ofSeconds(1), RefillStyle.GREEDY, 0);
  /** Ten tokens a minute, refilled at each minute. */
  private static final BucketSpec WINDOW = new BucketSpec(10, 10, Duration.ofMinutes(1), RefillStyle.INTERVAL_ALIGNED,
      10);
  /** Mid-minute, in microseconds. */
  private static final long T0 = 1_800_000_030_000_000L;

  @RegisterExtension
  static final OneRedisServer redis = new OneRedisServer();

  private LettuceScriptRunner runner;
  private String bucket;
  private String receipt;

  @BeforeEach
  void connect() {
    runner = new LettuceScriptRunner(RedisConnector.connect(RedisStoreSettings.standalone(redis.url()), StringCodec.UTF8));
    bucket = "test:{" + UUID.randomUUID() + "}bucket";
    receipt = bucket + "~receipt";
  }

  @AfterEach
  void close() {
    runner.close();
  }

  private BatchOutcome take(BucketSpec spec, long tokens, long atMicros, boolean withReceipt) {
    BucketBatch batch = new BucketBatch(List.of(new BucketClaim(bucket, spec, tokens, tokens, true)));
    TokenBucketScript.Call call = TokenBucketScript.encode(List.of(batch), atMicros, (b, claim) -> claim.key());
    if (withReceipt) {
      call = TokenBucketScript.withReceipt(call, receipt, 5_000);
    }
    return TokenBucketScript.decode(runner.run(call.keys(), call.args()).toCompletableFuture().join(),
        List.of(batch)).get(0);
  }

  private long giveBack(BucketSpec spec, long tokens, long atMicros) {
    Hold hold = new Hold();
    hold.issued(receipt, 0);
    TokenBucketScript.Call call = GiveBackScript.encode(hold, List.of(new BucketClaim(bucket, spec, tokens, tokens, true)),
        atMicros);
    return runner.run(GiveBackScript.LUA, call.keys(), call.args()).toCompletableFuture().join()[0];
  }

  /** The tokens the bucket holds at a time, read without writing. */
  private long tokensAt(BucketSpec spec, long atMicros) {
    BucketBatch batch = new BucketBatch(List.of(new BucketClaim(bucket, spec, 0, 0, false)));
    TokenBucketScript.Call call = TokenBucketScript.encodePeek(batch, atMicros, (b, claim) -> claim.key());
    return TokenBucketScript.decode(runner.runReadOnly(call.keys(), call.args()).toCompletableFuture().join(),
        List.of(batch)).get(0).states().get(0).remaining();
  }

  @Test
  void aGiveBackAtOnceReturnsEveryTokenTaken() {
    take(GREEDY, 4, T0, false);
    assertTrue(take(GREEDY, 3, T0, true).admitted());
    assertEquals(1, giveBack(GREEDY, 3, T0));
    assertEquals(6, tokensAt(GREEDY, T0), "the three held tokens are back, the four kept ones are not");
  }

  @Test
  void aGiveBackReturnsWhatWasTakenLessWhatRefilledWhileItWasHeld() {
    take(GREEDY, 5, T0, false);
    take(GREEDY, 3, T0, true);
    assertEquals(1, giveBack(GREEDY, 3, T0 + 150_000));
    // 1.5 tokens refilled while 3 were held, and 1.5 come back: the bucket reads 5.0 where 6.5 would
    // be exact. The refill could have been wasted on a full bucket had the take not happened, so it
    // is not returned: a give-back late by some time can deny more, never admit more.
    assertEquals(5, tokensAt(GREEDY, T0 + 150_000));
  }

  @Test
  void aBucketThatWouldHaveBeenFullGetsBackExactlyWhatItLacks() {
    take(GREEDY, 3, T0, true); // from a full bucket
    giveBack(GREEDY, 3, T0 + 150_000);
    assertEquals(10, tokensAt(GREEDY, T0 + 150_000), "8.5 after the take and the refill, and 1.5 back");
  }

  @Test
  void aGiveBackAfterTheBucketWouldHaveBeenFullReturnsNothing() {
    take(GREEDY, 1, T0, true); // from a full bucket
    take(GREEDY, 1, T0 + 200_000, false);
    giveBack(GREEDY, 1, T0 + 200_000);
    // Without the held token the bucket was full at +200 ms and the other request left 9. Giving the
    // token back now would make 10: one token more than the bucket could have had.
    assertEquals(9, tokensAt(GREEDY, T0 + 200_000));
  }

  @Test
  void aStrictBucketGetsBackWhatItHadTakenAndNoMore() {
    take(STRICT, 1, T0, false); // born empty
    assertTrue(take(STRICT, 5, T0 + 500_000, true).admitted(), "five tokens refilled in half a second");
    giveBack(STRICT, 5, T0 + 520_000);
    assertEquals(5, tokensAt(STRICT, T0 + 520_000), "5.2 refilled, 5 taken, 4.8 back: 5.0");
  }

  @Test
  void aFixedWindowGetsItsTokensBackInTheWindowTheyWereTakenIn() {
    take(WINDOW, 2, T0, false);
    take(WINDOW, 5, T0, true);
    giveBack(WINDOW, 5, T0 + 20_000_000);
    assertEquals(8, tokensAt(WINDOW, T0 + 20_000_000));
  }

  @Test
  void aFixedWindowThatRefilledSinceTheTakeGetsNothingBack() {
    take(WINDOW, 5, T0 + 29_000_000, true);
    take(WINDOW, 3, T0 + 31_000_000, false); // a new minute: full again, then three taken
    giveBack(WINDOW, 5, T0 + 31_000_000);
    assertEquals(7, tokensAt(WINDOW, T0 + 31_000_000), "the new window owes the old one nothing");
  }

  @Test
  void aFixedWindowInPostPaidDebtGetsItsTokensBackToo() {
    take(WINDOW, 5, T0, true);
    BucketBatch charge = new BucketBatch(List.of(BucketClaim.charge(bucket, WINDOW, 10)));
    TokenBucketScript.Call call = TokenBucketScript.encode(List.of(charge), T0, (b, claim) -> claim.key());
    runner.run(call.keys(), call.args()).toCompletableFuture().join();
    assertEquals(-5, tokensAt(WINDOW, T0), "five taken, then ten charged after the fact");
    giveBack(WINDOW, 5, T0);
    assertEquals(0, tokensAt(WINDOW, T0));
  }

  @Test
  void aReceiptIsGivenBackOnceForEachPlace() {
    take(GREEDY, 3, T0, true);
    assertEquals(1, giveBack(GREEDY, 3, T0));
    assertEquals(0, giveBack(GREEDY, 3, T0), "a give-back sent twice (a retry after a reconnect) counts once");
    assertEquals(10, tokensAt(GREEDY, T0));
  }

  @Test
  void withoutItsReceiptNothingIsGivenBack() {
    take(GREEDY, 3, T0, true);
    RespClient.call(redis.port(), "DEL", receipt); // as after a failover that lost the take, or a late give-back
    assertEquals(0, giveBack(GREEDY, 3, T0));
    assertEquals(7, tokensAt(GREEDY, T0));
  }

  @Test
  void aBucketGoneMeanwhileIsNotBornAgainByTheGiveBack() {
    take(GREEDY, 3, T0, true);
    RespClient.call(redis.port(), "DEL", bucket);
    giveBack(GREEDY, 3, T0);
    assertNull(RespClient.call(redis.port(), "GET", bucket));
  }

  @Test
  void aCallThatTookNothingLeavesNoReceipt() {
    take(GREEDY, 10, T0, false);
    assertEquals(false, take(GREEDY, 1, T0, true).admitted());
    assertEquals(0L, RespClient.call(redis.port(), "EXISTS", receipt));
  }

  @Test
  void theReceiptRecordsTheTimeOfTheTakeAndExpires() {
    take(GREEDY, 1, T0, true);
    assertArrayEquals(new Object[] {"t", Long.toString(T0)},
        ((List<?>) RespClient.call(redis.port(), "HGETALL", receipt)).toArray());
    long ttl = (Long) RespClient.call(redis.port(), "PTTL", receipt);
    assertTrue(ttl > 0 && ttl <= 5_000, "receipt lifetime " + ttl + " ms");
  }
}
