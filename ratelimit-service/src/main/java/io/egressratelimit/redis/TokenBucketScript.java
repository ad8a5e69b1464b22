package io.egressratelimit.redis;

import io.egressratelimit.limiter.BatchOutcome;
import io.egressratelimit.limiter.BucketBatch;
import io.egressratelimit.limiter.BucketClaim;
import io.egressratelimit.limiter.BucketSpec;
import io.egressratelimit.limiter.BucketState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The Lua token-bucket script and its wire format: batches in, outcomes out. Pure: no connection.
 * The layout of ARGV and of the reply is documented at the top of {@code token-buckets.lua}.
 */
final class TokenBucketScript {
  static final String SOURCE = readSource();
  static final String SHA1 = sha1(SOURCE);
  private static final int NUMBERS_PER_CLAIM = 9;

  private TokenBucketScript() {}

  /** The keys and arguments of one script call. */
  record Call(String[] keys, String[] args) {}

  /**
   * Encodes batches for one call.
   *
   * @param nowMicros the time to decide at, or -1 for the Redis server's clock
   * @param redisKey maps a batch and one of its claims to the full Redis key
   */
  static Call encode(List<BucketBatch> batches, long nowMicros, BiFunction<BucketBatch, BucketClaim, String> redisKey) {
    Map<String, Integer> keyIndex = new LinkedHashMap<>();
    List<String> args = new ArrayList<>();
    args.add(Long.toString(nowMicros));
    args.add(Integer.toString(batches.size()));
    for (BucketBatch batch : batches) {
      args.add(Integer.toString(batch.claims().size()));
      for (BucketClaim claim : batch.claims()) {
        int index = keyIndex.computeIfAbsent(redisKey.apply(batch, claim), k -> keyIndex.size() + 1);
        BucketSpec spec = claim.spec();
        args.add(Integer.toString(index));
        args.add(Long.toString(spec.capacity()));
        args.add(Long.toString(spec.refillTokens()));
        args.add(Long.toString(spec.refillPeriod().toNanos() / 1000));
        args.add(spec.style() == BucketSpec.RefillStyle.GREEDY ? "0" : "1");
        args.add(Long.toString(spec.initialTokens()));
        args.add(Long.toString(claim.required()));
        args.add(Long.toString(claim.consume()));
        args.add(claim.enforced() ? "1" : "0");
      }
    }
    return new Call(keyIndex.keySet().toArray(String[]::new), args.toArray(String[]::new));
  }

  /**
   * Encodes a read of one batch's buckets: every claim checks for nothing and takes nothing, and
   * the trailing {@code peek} argument makes the script write nothing back.
   */
  static Call encodePeek(BucketBatch batch, long nowMicros, BiFunction<BucketBatch, BucketClaim, String> redisKey) {
    List<BucketClaim> reads = batch.claims().stream()
        .map(claim -> new BucketClaim(claim.key(), claim.spec(), 0, 0, false))
        .toList();
    BucketBatch read = new BucketBatch(reads, batch.shard());
    Call call = encode(List.of(read), nowMicros, redisKey);
    String[] args = java.util.Arrays.copyOf(call.args(), call.args().length + 1);
    args[args.length - 1] = "peek";
    return new Call(call.keys(), args);
  }

  /** Decodes the reply to {@link #encode}'s call, one outcome per batch in the same order. */
  static List<BatchOutcome> decode(List<?> reply, List<BucketBatch> batches) {
    List<BatchOutcome> outcomes = new ArrayList<>(batches.size());
    int pos = 0;
    for (BucketBatch batch : batches) {
      boolean admitted = number(reply, pos++) == 1;
      List<BucketState> states = new ArrayList<>(batch.claims().size());
      for (int c = 0; c < batch.claims().size(); c++) {
        boolean passed = number(reply, pos) == 1;
        long remaining = number(reply, pos + 1);
        Duration untilPassing = Duration.ofNanos(number(reply, pos + 2) * 1000);
        Duration untilFull = Duration.ofNanos(number(reply, pos + 3) * 1000);
        pos += 4;
        states.add(new BucketState(passed, remaining, untilPassing, untilFull));
      }
      outcomes.add(new BatchOutcome(admitted, states));
    }
    if (pos != reply.size()) {
      throw new IllegalStateException("script reply has " + reply.size() + " numbers, expected " + pos);
    }
    return outcomes;
  }

  static int argumentCount(BucketBatch batch) {
    return 1 + NUMBERS_PER_CLAIM * batch.claims().size();
  }

  private static long number(List<?> reply, int index) {
    return ((Number) reply.get(index)).longValue();
  }

  private static String readSource() {
    try (InputStream in = TokenBucketScript.class.getResourceAsStream("token-buckets.lua")) {
      if (in == null) {
        throw new IllegalStateException("token-buckets.lua is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
