package io.egressratelimit.testing;

import io.egressratelimit.testing.rlqs.BucketBehaviour;
import io.egressratelimit.testing.rlqs.QuotaActions;
import io.egressratelimit.testing.rlqs.QuotaFilter;
import io.egressratelimit.testing.rlqs.SimulatedEnvoy;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.type.v3.RateLimitStrategy.BlanketRule;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One simulated Envoy with the rate_limit_quota filter and one bucket, over a real gRPC stream: the
 * filter is test-support's model of Envoy's ({@link QuotaFilter}, configured as the shipped configs
 * are: DENY_ALL with no assignment and after one expires), and requests arrive at a set demand.
 * Envoy 1.40 reports every 5 s; these tests report more often to run quickly, which changes how fast
 * shares move but not the bound.
 */
public final class RlqsEnvoy implements AutoCloseable {
  /** A share as it arrived: when (seconds on the shared clock), its burst and rate (0, 0 for DENY_ALL). */
  public record Received(double at, long maxTokens, long tokensPerFill) {}

  private static final BucketBehaviour FAIL_CLOSED = new BucketBehaviour(BlanketRule.DENY_ALL,
      Optional.of(QuotaActions.blanket(BlanketRule.DENY_ALL)), Duration.ZERO);
  private static final long TICK_MILLIS = 20;
  private static final long START_NANOS = System.nanoTime();

  private final String domain;
  private final BucketId bucket;
  private final Duration reportEvery;
  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
    Thread thread = new Thread(r, "simulated-envoy");
    thread.setDaemon(true);
    return thread;
  });
  private final List<Double> admittedAt = new ArrayList<>();
  private final List<Received> received = new ArrayList<>();
  private volatile double demandPerSecond;
  private double owed;
  private ManagedChannel channel;
  private SimulatedEnvoy envoy;

  public RlqsEnvoy(String domain, Map<String, String> bucket, long reportEveryMillis) {
    this.domain = domain;
    this.bucket = BucketId.newBuilder().putAllBucket(bucket).build();
    this.reportEvery = Duration.ofMillis(reportEveryMillis);
  }

  /** Seconds on the clock every simulated Envoy shares. */
  public static double now() {
    return (System.nanoTime() - START_NANOS) / 1e9;
  }

  /**
   * Connects to a replica and sends one request, which creates the bucket and reports it at once (the
   * way an Envoy subscribes); then requests arrive at the demand.
   */
  public synchronized void start(int grpcPort) {
    channel = channelTo(grpcPort);
    envoy = new SimulatedEnvoy(new QuotaFilter(domain, FAIL_CLOSED), channel, reportEvery, timers, System::nanoTime,
        applied -> record(received(applied.action().getRateLimitStrategy().hasTokenBucket()
            ? applied.action().getRateLimitStrategy().getTokenBucket() : null)));
    request();
    timers.scheduleAtFixedRate(this::requests, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static ManagedChannel channelTo(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  private static Received received(TokenBucket tokenBucket) {
    return tokenBucket == null ? new Received(now(), 0, 0)
        : new Received(now(), Integer.toUnsignedLong(tokenBucket.getMaxTokens()),
            Integer.toUnsignedLong(tokenBucket.getTokensPerFill().getValue()));
  }

  public void demand(double perSecond) {
    demandPerSecond = perSecond;
  }

  /** The Envoy goes away at once: no more requests, reports or stream. */
  public synchronized void vanish() {
    timers.shutdownNow();
    if (channel != null) {
      channel.shutdownNow();
      channel = null;
    }
  }

  /** Its stream breaks (a replica went away); the Envoy keeps its bucket and reopens at its next report, on this port. */
  public synchronized void streamLost(int nextPort) {
    ManagedChannel lost = channel;
    channel = channelTo(nextPort);
    envoy.moveTo(channel);
    lost.shutdownNow();
  }

  private void requests() {
    owed += demandPerSecond * TICK_MILLIS / 1000.0;
    while (owed >= 1) {
      owed -= 1;
      request();
    }
  }

  private void request() {
    double at = now();
    if (envoy.admit(bucket)) {
      synchronized (this) {
        admittedAt.add(at);
      }
    }
  }

  private synchronized void record(Received share) {
    received.add(share);
  }

  public synchronized List<Double> admittedAt() {
    return new ArrayList<>(admittedAt);
  }

  public synchronized List<Received> received() {
    return new ArrayList<>(received);
  }

  /** The rate of the share it holds now (the last one it received), 0 when none. */
  public synchronized long heldRate() {
    return received.isEmpty() ? 0 : received.get(received.size() - 1).tokensPerFill();
  }

  @Override
  public void close() {
    vanish();
  }
}
