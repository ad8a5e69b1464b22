package io.egressratelimit.limiter.store;

import io.egressratelimit.limiter.ManualClock;
import io.egressratelimit.limiter.NanoClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.store.BucketSpec.RefillStyle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every bucket store honours. Each store's test extends this class and says only how
 * to build the store; the scenarios are the same for all of them.
 */
public abstract class BucketStoreContract {
  public static final BucketSpec TEN_PER_MINUTE_WINDOW =
      new BucketSpec(10, 10, Duration.ofMinutes(1), RefillStyle.INTERVAL_ALIGNED, 10);
  public static final BucketSpec FIVE_PER_MINUTE_WINDOW =
      new BucketSpec(5, 5, Duration.ofMinutes(1), RefillStyle.INTERVAL_ALIGNED, 5);
  public static final BucketSpec BUCKET_4_REFILL_60_PER_MINUTE =
      new BucketSpec(4, 60, Duration.ofMinutes(1), RefillStyle.GREEDY, 4);
  public static final BucketSpec STRICT_20_PER_10S_BURST_10 =
      new BucketSpec(10, 10, Duration.ofSeconds(10), RefillStyle.GREEDY, 0);

  protected ManualClock clock;
  protected BucketStore store;
  private String prefix;

  /** A store reading time from {@code clock}, empty of buckets. */
  protected abstract BucketStore createStore(NanoClock clock);

  @BeforeEach
  void createStore() {
    clock = ManualClock.midMinute();
    store = createStore(clock);
    prefix = UUID.randomUUID() + ":";
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  protected String key(String name) {
    return prefix + name;
  }

  protected BatchOutcome consume(BucketClaim... claims) {
    return store.consume(new BucketBatch(List.of(claims))).toCompletableFuture().join();
  }

  /** Whether the store reads buckets without consuming ({@link BucketStore#peek}); bucket4j's CAS cannot. */
  protected boolean readsWithoutConsuming() {
    return true;
  }

  protected List<BucketLevel> peek(BucketClaim... claims) {
    return store.peek(new BucketBatch(List.of(claims))).toCompletableFuture().join();
  }

  protected BucketClaim hit(String name, BucketSpec spec) {
    return new BucketClaim(key(name), spec, 1, 1, true);
  }

  /**
   * Names of buckets that live apart where the store places buckets apart (on a Redis Cluster, on
   * different masters), so that a request over them is decided part by part; a store that keeps
   * every bucket in one place takes the names as they are.
   */
  protected List<String> apart(String... names) {
    return List.of(names);
  }

  @Test
  void aFixedWindowAdmitsItsBudgetThenDenies() {
    for (int i = 1; i <= 10; i++) {
      BatchOutcome outcome = consume(hit("a", TEN_PER_MINUTE_WINDOW));
      assertTrue(outcome.admitted(), "hit " + i);
      assertEquals(10 - i, outcome.states().get(0).remaining());
    }
    BatchOutcome denied = consume(hit("a", TEN_PER_MINUTE_WINDOW));
    assertFalse(denied.admitted());
    assertFalse(denied.states().get(0).passed());
    assertEquals(0, denied.states().get(0).remaining());
    assertEquals(Duration.ofSeconds(30), denied.states().get(0).untilPassing(), "the next window starts at :00");
  }

  @Test
  void aPeekReadsTheTokensLeftWithoutTakingAny() {
    if (!readsWithoutConsuming()) {
      var failure = assertThrows(java.util.concurrent.CompletionException.class, () -> peek(hit("a", TEN_PER_MINUTE_WINDOW)));
      assertTrue(failure.getCause() instanceof UnsupportedOperationException, failure.toString());
      return;
    }
    for (int i = 0; i < 3; i++) {
      consume(hit("a", TEN_PER_MINUTE_WINDOW));
    }
    BucketState afterFour = consume(hit("a", TEN_PER_MINUTE_WINDOW)).states().get(0);
    String apart = apart("a", "g").get(1);
    List<BucketLevel> first = peek(hit("a", TEN_PER_MINUTE_WINDOW), hit(apart, BUCKET_4_REFILL_60_PER_MINUTE));
    assertEquals(List.of(new BucketLevel(6, afterFour.untilFull()), new BucketLevel(4, Duration.ZERO)), first);
    assertEquals(first, peek(hit("a", TEN_PER_MINUTE_WINDOW), hit(apart, BUCKET_4_REFILL_60_PER_MINUTE)),
        "a peek takes nothing");
    assertEquals(5, consume(hit("a", TEN_PER_MINUTE_WINDOW)).states().get(0).remaining());
  }

  @Test
  void aPeekSeesRefillAndWritesNothing() {
    if (!readsWithoutConsuming()) {
      return;
    }
    for (int i = 0; i < 4; i++) {
      consume(hit("g", BUCKET_4_REFILL_60_PER_MINUTE));
    }
    assertEquals(new BucketLevel(0, Duration.ofSeconds(4)), peek(hit("g", BUCKET_4_REFILL_60_PER_MINUTE)).get(0));
    clock.advance(Duration.ofSeconds(2));
    assertEquals(new BucketLevel(2, Duration.ofSeconds(2)), peek(hit("g", BUCKET_4_REFILL_60_PER_MINUTE)).get(0));
    // A strict bucket nobody used reads as it would be born: empty. Had the peek written it, it
    // would have been refilling since, and read 5 tokens five seconds later.
    assertEquals(0, peek(hit("s", STRICT_20_PER_10S_BURST_10)).get(0).tokens());
    clock.advance(Duration.ofSeconds(5));
    assertEquals(0, peek(hit("s", STRICT_20_PER_10S_BURST_10)).get(0).tokens());
    assertFalse(consume(hit("s", STRICT_20_PER_10S_BURST_10)).admitted(), "still born empty on first use");
  }

  @Test
  void aFixedWindowRefillsAtTheEpochAlignedBoundary() {
    for (int i = 0; i < 10; i++) {
      consume(hit("a", TEN_PER_MINUTE_WINDOW));
    }
    clock.advance(Duration.ofSeconds(29));
    assertFalse(consume(hit("a", TEN_PER_MINUTE_WINDOW)).admitted(), "still inside the window");
    clock.advance(Duration.ofSeconds(1));
    BatchOutcome next = consume(hit("a", TEN_PER_MINUTE_WINDOW));
    assertTrue(next.admitted(), "a new window");
    assertEquals(9, next.states().get(0).remaining());
  }

  @Test
  void aGreedyBucketRefillsContinuously() {
    for (int i = 0; i < 4; i++) {
      assertTrue(consume(hit("g", BUCKET_4_REFILL_60_PER_MINUTE)).admitted());
    }
    BatchOutcome empty = consume(hit("g", BUCKET_4_REFILL_60_PER_MINUTE));
    assertFalse(empty.admitted());
    assertEquals(Duration.ofSeconds(1), empty.states().get(0).untilPassing());
    clock.advance(Duration.ofSeconds(1));
    assertTrue(consume(hit("g", BUCKET_4_REFILL_60_PER_MINUTE)).admitted());
    assertFalse(consume(hit("g", BUCKET_4_REFILL_60_PER_MINUTE)).admitted());
  }

  @Test
  void aStrictBucketStartsEmptyAndNeverExceedsItsWindow() {
    assertFalse(consume(hit("s", STRICT_20_PER_10S_BURST_10)).admitted(), "strict buckets start empty");
    int admitted = 0;
    for (int second = 0; second < 10; second++) {
      clock.advance(Duration.ofSeconds(1));
      while (consume(hit("s", STRICT_20_PER_10S_BURST_10)).admitted()) {
        admitted++;
      }
    }
    assertEquals(10, admitted, "ten tokens refill in ten seconds");
    clock.advance(Duration.ofSeconds(10));
    int burst = 0;
    while (consume(hit("s", STRICT_20_PER_10S_BURST_10)).admitted()) {
      burst++;
    }
    assertEquals(10, burst, "a full strict bucket holds its burst");
  }

  @Test
  void aDeniedBatchConsumesNothingFromItsOtherBuckets() {
    List<String> names = apart("big", "small");
    for (int i = 0; i < 5; i++) {
      consume(hit(names.get(1), FIVE_PER_MINUTE_WINDOW));
    }
    BatchOutcome denied = consume(hit(names.get(0), TEN_PER_MINUTE_WINDOW), hit(names.get(1), FIVE_PER_MINUTE_WINDOW));
    assertFalse(denied.admitted());
    assertTrue(denied.states().get(0).passed(), "the big bucket had tokens");
    assertFalse(denied.states().get(1).passed());
    assertEquals(10, denied.states().get(0).remaining(), "nothing taken from the big bucket");
    assertEquals(9, consume(hit(names.get(0), TEN_PER_MINUTE_WINDOW)).states().get(0).remaining());
  }

  @Test
  void aBatchOverThreeBucketsApartThatOneDeniesLeavesTheOtherTwoAsTheyWere() {
    List<String> names = apart("window", "greedy", "strict");
    consume(hit(names.get(2), STRICT_20_PER_10S_BURST_10)); // born empty, refilling from now on
    clock.advance(Duration.ofSeconds(3));
    for (int i = 0; i < 4; i++) {
      consume(hit(names.get(1), BUCKET_4_REFILL_60_PER_MINUTE));
    }
    BatchOutcome denied = consume(hit(names.get(0), TEN_PER_MINUTE_WINDOW), hit(names.get(1), BUCKET_4_REFILL_60_PER_MINUTE),
        hit(names.get(2), STRICT_20_PER_10S_BURST_10));
    assertFalse(denied.admitted(), "the greedy bucket is empty");
    assertEquals(List.of(true, false, true), denied.states().stream().map(BucketState::passed).toList());
    assertEquals(9, consume(hit(names.get(0), TEN_PER_MINUTE_WINDOW)).states().get(0).remaining(),
        "the window lost only this one token");
    int strict = 0;
    while (consume(hit(names.get(2), STRICT_20_PER_10S_BURST_10)).admitted()) {
      strict++;
    }
    assertEquals(3, strict, "three seconds of refill, none of it kept by the denied batch");
  }

  @Test
  void aBatchApartThatAStrictBucketDeniesTakesNothingFromTheOthers() {
    List<String> names = apart("window", "strict");
    for (int i = 0; i < 3; i++) {
      BatchOutcome denied = consume(hit(names.get(0), FIVE_PER_MINUTE_WINDOW), hit(names.get(1), STRICT_20_PER_10S_BURST_10));
      assertFalse(denied.admitted(), "a strict bucket is born empty");
    }
    clock.advance(Duration.ofSeconds(1));
    assertTrue(consume(hit(names.get(0), FIVE_PER_MINUTE_WINDOW), hit(names.get(1), STRICT_20_PER_10S_BURST_10)).admitted(),
        "one token refilled in a second");
    assertEquals(3, consume(hit(names.get(0), FIVE_PER_MINUTE_WINDOW)).states().get(0).remaining(),
        "the window paid for the admitted batch and this hit only");
  }

  @Test
  void aShadowModeClaimNeverDeniesAndConsumesOnlyWhenItHasTokens() {
    List<String> names = apart("enforced", "shadow");
    BucketClaim shadow = new BucketClaim(key(names.get(1)), FIVE_PER_MINUTE_WINDOW, 1, 1, false);
    for (int i = 0; i < 7; i++) {
      BatchOutcome outcome = consume(hit(names.get(0), TEN_PER_MINUTE_WINDOW), shadow);
      assertTrue(outcome.admitted(), "hit " + i);
      assertEquals(i < 5, outcome.states().get(1).passed(), "shadow passes only while it has tokens, hit " + i);
    }
    assertEquals(2, consume(hit(names.get(0), TEN_PER_MINUTE_WINDOW)).states().get(0).remaining(), "seven taken, then one more");
  }

  @Test
  void aShadowModeClaimApartTakesNothingWhenTheBatchIsDenied() {
    List<String> names = apart("shadow", "enforced");
    for (int i = 0; i < 5; i++) {
      consume(hit(names.get(1), FIVE_PER_MINUTE_WINDOW));
    }
    BucketClaim shadow = new BucketClaim(key(names.get(0)), TEN_PER_MINUTE_WINDOW, 1, 1, false);
    assertFalse(consume(shadow, hit(names.get(1), FIVE_PER_MINUTE_WINDOW)).admitted());
    assertEquals(9, consume(hit(names.get(0), TEN_PER_MINUTE_WINDOW)).states().get(0).remaining(),
        "the denied batch's shadow claim kept nothing");
  }

  @Test
  void aCheckRequiresATokenButTakesNone() {
    BucketClaim check = new BucketClaim(key("c"), FIVE_PER_MINUTE_WINDOW, 1, 0, true);
    for (int i = 0; i < 3; i++) {
      BatchOutcome outcome = consume(check);
      assertTrue(outcome.admitted());
      assertEquals(5, outcome.states().get(0).remaining());
    }
    for (int i = 0; i < 5; i++) {
      consume(hit("c", FIVE_PER_MINUTE_WINDOW));
    }
    assertFalse(consume(check).admitted(), "an empty bucket fails the check");
  }

  @Test
  void hitsAboveOneTakeThatManyTokens() {
    BatchOutcome three = consume(new BucketClaim(key("h"), TEN_PER_MINUTE_WINDOW, 3, 3, true));
    assertEquals(7, three.states().get(0).remaining());
    BatchOutcome tooMany = consume(new BucketClaim(key("h"), TEN_PER_MINUTE_WINDOW, 8, 8, true));
    assertFalse(tooMany.admitted());
    assertEquals(7, tooMany.states().get(0).remaining(), "a denied claim takes nothing");
  }

  @Test
  void twoClaimsOnOneBucketInOneBatchAddUp() {
    for (int i = 0; i < 9; i++) {
      consume(hit("d", TEN_PER_MINUTE_WINDOW));
    }
    BatchOutcome both = consume(hit("d", TEN_PER_MINUTE_WINDOW), hit("d", TEN_PER_MINUTE_WINDOW));
    assertFalse(both.admitted(), "one token left cannot serve two claims");
    assertTrue(consume(hit("d", TEN_PER_MINUTE_WINDOW)).admitted(), "and the denied batch took nothing");
  }

  @Test
  void reportsTheTimeUntilTheBucketIsFull() {
    BatchOutcome outcome = consume(hit("f", TEN_PER_MINUTE_WINDOW));
    assertEquals(Duration.ofSeconds(30), outcome.states().get(0).untilFull());
    BatchOutcome greedy = consume(hit("gf", BUCKET_4_REFILL_60_PER_MINUTE));
    assertEquals(Duration.ofSeconds(1), greedy.states().get(0).untilFull());
  }

  @Test
  void aPostPaidChargeIsRecordedWhenItOverdrawsAndTheDebtBlocksUntilRepaid() {
    BucketClaim check = new BucketClaim(key("g"), BUCKET_4_REFILL_60_PER_MINUTE, 1, 0, true);
    BatchOutcome charged = consume(BucketClaim.charge(key("g"), BUCKET_4_REFILL_60_PER_MINUTE, 10));
    assertTrue(charged.admitted(), "a charge never denies");
    assertTrue(charged.states().get(0).passed());
    assertEquals(-6, charged.states().get(0).remaining(), "4 held, 10 charged: 6 owed");
    assertEquals(Duration.ofSeconds(10), charged.states().get(0).untilFull(), "6 owed and 4 to hold, at 1 per second");
    BatchOutcome blocked = consume(check);
    assertFalse(blocked.admitted(), "nothing is admitted while in debt");
    assertEquals(Duration.ofSeconds(7), blocked.states().get(0).untilPassing(), "until the debt is repaid and one token is back");
    clock.advance(Duration.ofSeconds(6));
    assertFalse(consume(check).admitted(), "repaid, but empty");
    clock.advance(Duration.ofSeconds(1));
    assertTrue(consume(check).admitted(), "repaid and one token refilled");
  }

  @Test
  void aFixedWindowCarriesItsDebtIntoTheNextWindow() {
    BatchOutcome charged = consume(BucketClaim.charge(key("w"), TEN_PER_MINUTE_WINDOW, 13));
    assertEquals(-3, charged.states().get(0).remaining());
    assertEquals(Duration.ofSeconds(90), charged.states().get(0).untilFull(), "the window after next is full again");
    clock.advance(Duration.ofSeconds(30));
    BatchOutcome next = consume(hit("w", TEN_PER_MINUTE_WINDOW));
    assertTrue(next.admitted());
    assertEquals(6, next.states().get(0).remaining(), "the new window's 10 less the 3 owed, less this one");
  }

  @Test
  void aRefundNeverLiftsABucketAboveItsCapacity() {
    for (BucketSpec spec : List.of(TEN_PER_MINUTE_WINDOW, BUCKET_4_REFILL_60_PER_MINUTE, STRICT_20_PER_10S_BURST_10)) {
      String name = "r" + spec.capacity() + spec.style();
      consume(BucketClaim.charge(key(name), spec, 2));
      BatchOutcome refunded = consume(BucketClaim.refund(key(name), spec, 1));
      long start = spec.initialTokens();
      assertEquals(start - 1, refunded.states().get(0).remaining(), "1 of the 2 charged given back, " + spec);
      BatchOutcome tooMuch = consume(BucketClaim.refund(key(name), spec, 1_000));
      assertTrue(tooMuch.admitted());
      assertEquals(spec.capacity(), tooMuch.states().get(0).remaining(), "filled to capacity, no further: " + spec);
      assertEquals(Duration.ZERO, tooMuch.states().get(0).untilFull());
    }
  }

  @Test
  void settlementsApplyWhenTheBatchIsDeniedAndChecksSeeThem() {
    for (int i = 0; i < 5; i++) {
      consume(hit("full", FIVE_PER_MINUTE_WINDOW));
    }
    BatchOutcome denied = consume(hit("full", FIVE_PER_MINUTE_WINDOW),
        BucketClaim.charge(key("charged"), TEN_PER_MINUTE_WINDOW, 4),
        BucketClaim.refund(key("refunded"), TEN_PER_MINUTE_WINDOW, 1));
    assertFalse(denied.admitted());
    assertTrue(denied.states().get(1).passed() && denied.states().get(2).passed(), "settlements always pass");
    assertEquals(6, denied.states().get(1).remaining(), "the charge was recorded though the request was denied");
    BatchOutcome afterCharge = consume(BucketClaim.charge(key("charged"), TEN_PER_MINUTE_WINDOW, 3),
        new BucketClaim(key("charged"), TEN_PER_MINUTE_WINDOW, 4, 4, true));
    assertFalse(afterCharge.admitted(), "a check in the same batch sees the charge before it: 3 left, 4 needed");
    assertEquals(3, afterCharge.states().get(1).remaining());
  }

  @Test
  void concurrentChargesAreAllRecorded() throws Exception {
    int admitted = admittedConcurrently(50, () -> List.of(BucketClaim.charge(key("many"), TEN_PER_MINUTE_WINDOW, 3)));
    assertEquals(50, admitted, "a charge never denies");
    assertEquals(10 - 150 - 1, consume(BucketClaim.charge(key("many"), TEN_PER_MINUTE_WINDOW, 1)).states().get(0).remaining(),
        "every charge recorded, none lost to a race");
  }

  @Test
  void fiftyConcurrentRequestsAgainstALimitOfTenAdmitExactlyTen() throws Exception {
    assertEquals(10, admittedConcurrently(50, () -> List.of(hit("hot", TEN_PER_MINUTE_WINDOW))));
  }

  @Test
  void concurrentBatchesOverTwoBucketsStayAllOrNothing() throws Exception {
    List<String> names = apart("wide", "narrow");
    int admitted = admittedConcurrently(
        50, () -> List.of(hit(names.get(0), TEN_PER_MINUTE_WINDOW), hit(names.get(1), FIVE_PER_MINUTE_WINDOW)));
    assertEquals(5, admitted);
    assertEquals(5, consume(hit(names.get(0), TEN_PER_MINUTE_WINDOW)).states().get(0).remaining() + 1,
        "the wide bucket lost only the five admitted tokens");
  }

  @Test
  void concurrentBatchesOverAGreedyAndAStrictBucketApartAdmitTheNarrowerExactly() throws Exception {
    List<String> names = apart("greedy", "strict");
    clock.advance(Duration.ofSeconds(1));
    consume(hit(names.get(1), STRICT_20_PER_10S_BURST_10));
    clock.advance(Duration.ofSeconds(7)); // seven tokens in the strict bucket, four in the greedy one
    int admitted = admittedConcurrently(
        60, () -> List.of(hit(names.get(1), STRICT_20_PER_10S_BURST_10), hit(names.get(0), BUCKET_4_REFILL_60_PER_MINUTE)));
    assertEquals(4, admitted);
    int strictLeft = 0;
    while (consume(hit(names.get(1), STRICT_20_PER_10S_BURST_10)).admitted()) {
      strictLeft++;
    }
    assertEquals(3, strictLeft, "the strict bucket paid for the four admitted batches only");
  }

  protected int admittedConcurrently(int requests, java.util.function.Supplier<List<BucketClaim>> claims)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<CompletableFuture<BatchOutcome>>> futures = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        futures.add(pool.submit(() -> {
          start.await();
          return store.consume(new BucketBatch(claims.get())).toCompletableFuture();
        }));
      }
      start.countDown();
      int admitted = 0;
      for (Future<CompletableFuture<BatchOutcome>> future : futures) {
        if (future.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS).admitted()) {
          admitted++;
        }
      }
      return admitted;
    } finally {
      pool.shutdownNow();
    }
  }
}
