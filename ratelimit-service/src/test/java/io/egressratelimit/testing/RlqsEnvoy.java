package io.egressratelimit.testing;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaServiceGrpc;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports.BucketQuotaUsage;
import io.envoyproxy.envoy.type.v3.TokenBucket;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One simulated Envoy with the rate_limit_quota filter and one bucket, over a real gRPC stream:
 * reports every interval (and at once for a new bucket), enforces each assignment with
 * {@link EnvoyQuotaBucket} (DENY_ALL before the first and after expiry), and reopens a lost stream
 * at its next report, keeping its bucket, as Envoy does.
 */
public final class RlqsEnvoy implements AutoCloseable {
  /** A share as it arrived: when (seconds on the shared clock), its burst and rate (0, 0 for DENY_ALL). */
  public record Received(double at, long maxTokens, long tokensPerFill) {}

  private static final long TICK_MILLIS = 20;
  private static final long START_NANOS = System.nanoTime();

  private final String domain;
  private final BucketId bucket;
  private final long reportEveryMillis;
  private final EnvoyQuotaBucket quota = new EnvoyQuotaBucket();
  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
    Thread thread = new Thread(r, "simulated-envoy");
    thread.setDaemon(true);
    return thread;
  });
  private final List<Double> admittedAt = new ArrayList<>();
  private final List<Received> received = new ArrayList<>();
  private volatile double demandPerSecond;
  private double owed;
  private long allowed;
  private long denied;
  private int port;
  private ManagedChannel channel;
  private StreamObserver<RateLimitQuotaUsageReports> stream;

  public RlqsEnvoy(String domain, Map<String, String> bucket, long reportEveryMillis) {
    this.domain = domain;
    this.bucket = BucketId.newBuilder().putAllBucket(bucket).build();
    this.reportEveryMillis = reportEveryMillis;
  }

  /** Seconds on the clock every simulated Envoy shares. */
  public static double now() {
    return (System.nanoTime() - START_NANOS) / 1e9;
  }

  /** Connects to a replica, reports at once, then every interval, and sends requests at the demand. */
  public synchronized void start(int grpcPort) {
    this.port = grpcPort;
    openStream();
    timers.scheduleAtFixedRate(this::report, reportEveryMillis, reportEveryMillis, TimeUnit.MILLISECONDS);
    timers.scheduleAtFixedRate(this::requests, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  public void demand(double perSecond) {
    demandPerSecond = perSecond;
  }

  /** The Envoy goes away at once: no more requests, reports or stream. */
  public synchronized void vanish() {
    timers.shutdownNow();
    closeChannel();
  }

  /** Its stream breaks (a replica went away); the Envoy keeps its bucket and reopens at its next report, on this port. */
  public synchronized void streamLost(int nextPort) {
    closeChannel();
    port = nextPort;
  }

  private void openStream() {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    stream = RateLimitQuotaServiceGrpc.newStub(channel).streamRateLimitQuotas(new StreamObserver<>() {
      @Override
      public void onNext(RateLimitQuotaResponse response) {
        response.getBucketActionList().forEach(RlqsEnvoy.this::apply);
      }

      @Override
      public void onError(Throwable t) {
        streamEnded();
      }

      @Override
      public void onCompleted() {
        streamEnded();
      }
    });
    sendReport();
  }

  private synchronized void streamEnded() {
    stream = null;
  }

  private void closeChannel() {
    if (channel != null) {
      channel.shutdownNow();
      channel = null;
      stream = null;
    }
  }

  private void apply(BucketAction action) {
    double at = now();
    long ttl = action.getQuotaAssignmentAction().getAssignmentTimeToLive().getSeconds();
    if (action.getQuotaAssignmentAction().getRateLimitStrategy().hasTokenBucket()) {
      TokenBucket tb = action.getQuotaAssignmentAction().getRateLimitStrategy().getTokenBucket();
      quota.assignTokenBucket(Integer.toUnsignedLong(tb.getMaxTokens()), Integer.toUnsignedLong(tb.getTokensPerFill().getValue()),
          tb.getFillInterval().getSeconds(), ttl, at);
      record(new Received(at, Integer.toUnsignedLong(tb.getMaxTokens()), Integer.toUnsignedLong(tb.getTokensPerFill().getValue())));
    } else if (action.hasQuotaAssignmentAction()) {
      quota.assignDenyAll(ttl, at);
      record(new Received(at, 0, 0));
    }
  }

  private synchronized void record(Received share) {
    received.add(share);
  }

  private synchronized void report() {
    if (stream == null) {
      if (channel != null) {
        channel.shutdownNow();
      }
      openStream();
      return;
    }
    sendReport();
  }

  private void sendReport() {
    stream.onNext(RateLimitQuotaUsageReports.newBuilder().setDomain(domain)
        .addBucketQuotaUsages(BucketQuotaUsage.newBuilder().setBucketId(bucket)
            .setTimeElapsed(Duration.newBuilder().setSeconds(Math.max(1, reportEveryMillis / 1000)))
            .setNumRequestsAllowed(allowed).setNumRequestsDenied(denied))
        .build());
    allowed = 0;
    denied = 0;
  }

  private void requests() {
    owed += demandPerSecond * TICK_MILLIS / 1000.0;
    while (owed >= 1) {
      owed -= 1;
      double at = now();
      boolean admitted = quota.tryAdmit(at);
      synchronized (this) {
        if (admitted) {
          allowed++;
          admittedAt.add(at);
        } else {
          denied++;
        }
      }
    }
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
