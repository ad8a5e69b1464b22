package io.egressratelimit.redis.cas;

import io.github.bucket4j.TimeMeter;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * bucket4j's clock for the compare-and-swap store: the Redis server's {@code TIME}, carried
 * between samples by the local monotonic ticker. bucket4j computes refills in the client, so
 * without this each replica would refill by its own clock and replicas whose clocks disagree
 * would each see their own windows. Every replica that follows one Redis agrees with the others to
 * within half a round trip; the local clock's setting, and steps of it, do not matter.
 */
final class RedisTimeClock implements TimeMeter, AutoCloseable {
  private static final Duration RESAMPLE_EVERY = Duration.ofSeconds(1);
  /** A sample whose round trip took longer says little about when Redis read its clock. */
  private static final long MAX_USEFUL_ROUND_TRIP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final RedisClusterAsyncCommands<String, byte[]> commands;
  private final LongSupplier ticker;
  private final ScheduledExecutorService sampler;
  private volatile long offsetNanos;

  private RedisTimeClock(RedisClusterAsyncCommands<String, byte[]> commands, LongSupplier ticker) {
    this.commands = commands;
    this.ticker = ticker;
    this.sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "redis-time-sampler");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Reads Redis {@code TIME} once before returning, then again every second in the background. */
  static RedisTimeClock start(RedisClusterAsyncCommands<String, byte[]> commands, LongSupplier ticker,
      Duration firstSampleTimeout) {
    RedisTimeClock clock = new RedisTimeClock(commands, ticker);
    try {
      clock.sample(Long.MAX_VALUE).get(firstSampleTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      clock.close();
      throw new IllegalStateException("cannot read the Redis server's clock (TIME): " + e.getMessage(), e);
    }
    clock.sampler.scheduleWithFixedDelay(() -> clock.sample(MAX_USEFUL_ROUND_TRIP_NANOS),
        RESAMPLE_EVERY.toMillis(), RESAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    return clock;
  }

  /** Failures are ignored: the previous offset stays, and the store's own calls report the outage. */
  private CompletableFuture<Void> sample(long maxRoundTripNanos) {
    long sent = ticker.getAsLong();
    return commands.time().toCompletableFuture().thenAccept(reply -> {
      long received = ticker.getAsLong();
      long roundTrip = received - sent;
      if (roundTrip <= maxRoundTripNanos) {
        offsetNanos = epochNanos(reply) - (sent + roundTrip / 2);
      }
    });
  }

  private static long epochNanos(List<byte[]> reply) {
    long seconds = Long.parseLong(new String(reply.get(0), StandardCharsets.US_ASCII));
    long micros = Long.parseLong(new String(reply.get(1), StandardCharsets.US_ASCII));
    return seconds * 1_000_000_000L + micros * 1_000L;
  }

  @Override
  public long currentTimeNanos() {
    return ticker.getAsLong() + offsetNanos;
  }

  @Override
  public boolean isWallClockBased() {
    return true; // epoch time, as epoch-aligned windows need
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
