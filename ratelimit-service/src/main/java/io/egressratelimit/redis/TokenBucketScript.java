package io.egressratelimit.redis;

import io.egressratelimit.limiter.store.BatchOutcome;
import io.egressratelimit.limiter.store.BucketBatch;
import io.egressratelimit.limiter.store.BucketClaim;
import io.egressratelimit.limiter.store.BucketSpec;
import io.egressratelimit.limiter.store.BucketState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The Lua token-bucket script and its wire format: batches in, outcomes out. Pure: no connection.
 * The layout of ARGV and of the reply is documented at the top of {@code token-buckets.lua}.
 */
final class TokenBucketScript {
  static final LuaScript LUA = LuaScript.load("token-buckets.lua");
  static final String SOURCE = LUA.source();

  private TokenBucketScript() {}

  /** The keys and arguments of one script call. */
  record Call(String[] keys, String[] args) {}

  /**
   * Encodes batches for one call. Each bucket's shape is sent once, and a run of requests asking
   * the same of the same buckets (a hot key: every request of a group alike) is sent once with its
   * count, so a group of any size on one key costs a handful of arguments.
   *
   * @param nowMicros the time to decide at, or -1 for the Redis server's clock
   * @param redisKey maps a batch and one of its claims to the full Redis key
   */
  static Call encode(List<BucketBatch> batches, long nowMicros, BiFunction<BucketBatch, BucketClaim, String> redisKey) {
    Map<String, Integer> keyIndex = new HashMap<>();
    List<String> keys = new ArrayList<>();
    List<String> shapes = new ArrayList<>();
    List<String> runs = new ArrayList<>();
    int runCount = 0;
    int countAt = -1; // where the current run's count goes in runs
    int count = 0;
    BucketBatch previous = null;
    for (BucketBatch batch : batches) {
      if (previous != null && sameAsk(previous, batch)) {
        count++;
        continue;
      }
      if (countAt >= 0) {
        runs.set(countAt, Integer.toString(count));
      }
      previous = batch;
      runCount++;
      count = 1;
      countAt = runs.size();
      runs.add(null);
      runs.add(Integer.toString(batch.claims().size()));
      for (BucketClaim claim : batch.claims()) {
        String key = redisKey.apply(batch, claim);
        Integer index = keyIndex.get(key);
        if (index == null) {
          index = keys.size() + 1;
          keyIndex.put(key, index);
          keys.add(key);
          addShape(shapes, claim.spec());
        }
        runs.add(index.toString());
        runs.add(Long.toString(claim.required()));
        runs.add(Long.toString(claim.consume()));
        runs.add(kindArgument(claim));
      }
    }
    if (countAt >= 0) {
      runs.set(countAt, Integer.toString(count));
    }
    String[] args = new String[3 + shapes.size() + runs.size()];
    args[0] = Long.toString(nowMicros);
    args[1] = Integer.toString(keys.size());
    int at = 2;
    for (String shape : shapes) {
      args[at++] = shape;
    }
    args[at++] = Integer.toString(runCount);
    for (String run : runs) {
      args[at++] = run;
    }
    return new Call(keys.toArray(String[]::new), args);
  }

  /** The claim's kind as the script reads it: 1 enforced, 0 not, 2 a charge, 3 a refund. */
  private static String kindArgument(BucketClaim claim) {
    return switch (claim.kind()) {
      case TAKE -> claim.enforced() ? "1" : "0";
      case CHARGE -> "2";
      case REFUND -> "3";
    };
  }

  /** Whether two requests ask the same tokens of the same buckets (same domain, keys, shapes and asks). */
  private static boolean sameAsk(BucketBatch a, BucketBatch b) {
    return a.domain().equals(b.domain()) && a.claims().equals(b.claims());
  }

  /** A bucket's shape as both scripts take it: capacity, refill tokens, period (us), style, initial tokens. */
  static void addShape(List<String> shapes, BucketSpec spec) {
    shapes.add(Long.toString(spec.capacity()));
    shapes.add(Long.toString(spec.refillTokens()));
    shapes.add(Long.toString(spec.refillPeriod().toNanos() / 1000));
    shapes.add(spec.style() == BucketSpec.RefillStyle.GREEDY ? "0" : "1");
    shapes.add(Long.toString(spec.initialTokens()));
  }

  /**
   * The call, leaving a receipt for the parts of requests over several slots it carries (see
   * {@code give-back.lua}): the receipt's key comes last among the keys, its lifetime last among the
   * arguments.
   */
  static Call withReceipt(Call call, String receiptKey, long lifetimeMillis) {
    String[] keys = Arrays.copyOf(call.keys(), call.keys().length + 1);
    keys[keys.length - 1] = receiptKey;
    String[] args = Arrays.copyOf(call.args(), call.args().length + 1);
    args[args.length - 1] = Long.toString(lifetimeMillis);
    return new Call(keys, args);
  }

  /**
   * Encodes a read of one batch's buckets: every claim checks for nothing and takes nothing, and
   * the trailing {@code peek} argument makes the script write nothing back.
   */
  static Call encodePeek(BucketBatch batch, long nowMicros, BiFunction<BucketBatch, BucketClaim, String> redisKey) {
    List<BucketClaim> reads = batch.claims().stream()
        .map(claim -> new BucketClaim(claim.key(), claim.spec(), 0, 0, false))
        .toList();
    BucketBatch read = new BucketBatch(reads, batch.domain());
    Call call = encode(List.of(read), nowMicros, redisKey);
    String[] args = Arrays.copyOf(call.args(), call.args().length + 1);
    args[args.length - 1] = "peek";
    return new Call(call.keys(), args);
  }

  /** Decodes the reply to {@link #encode}'s call, one outcome per batch in the same order. */
  static List<BatchOutcome> decode(long[] reply, List<BucketBatch> batches) {
    List<BatchOutcome> outcomes = new ArrayList<>(batches.size());
    int pos = 0;
    for (BucketBatch batch : batches) {
      int claims = batch.claims().size();
      if (pos + 1 + 4 * claims > reply.length) {
        throw shortReply(reply, batches);
      }
      boolean admitted = reply[pos++] == 1;
      BucketState[] states = new BucketState[claims];
      for (int c = 0; c < claims; c++) {
        states[c] = new BucketState(reply[pos] == 1, reply[pos + 1], micros(reply[pos + 2]), micros(reply[pos + 3]));
        pos += 4;
      }
      outcomes.add(new BatchOutcome(admitted, List.of(states)));
    }
    if (pos != reply.length) {
      throw new IllegalStateException("script reply has " + reply.length + " numbers, expected " + pos);
    }
    return outcomes;
  }

  private static IllegalStateException shortReply(long[] reply, List<BucketBatch> batches) {
    int expected = 0;
    for (BucketBatch batch : batches) {
      expected += 1 + 4 * batch.claims().size();
    }
    return new IllegalStateException("script reply has " + reply.length + " numbers, expected " + expected);
  }

  private static Duration micros(long micros) {
    return micros == 0 ? Duration.ZERO : Duration.ofNanos(micros * 1000);
  }
}
