package io.egressratelimit.testing.rlqs;

import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaServiceGrpc;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One Envoy's {@code StreamRateLimitQuotas} stream, kept as Envoy keeps it: opened with the first
 * bucket, marked closed when the server ends it, and reopened only on the next report tick. A new
 * bucket's first report is dropped while the stream is closed, as Envoy drops it.
 */
public final class QuotaStream implements AutoCloseable {
  private RateLimitQuotaServiceGrpc.RateLimitQuotaServiceStub stub;
  private final Consumer<RateLimitQuotaResponse> onResponse;
  private final AtomicLong opened = new AtomicLong();
  private final AtomicLong closedByServer = new AtomicLong();
  private StreamObserver<RateLimitQuotaUsageReports> requests;
  private ResponseObserver current;
  private boolean everOpened;

  public QuotaStream(Channel channel, Consumer<RateLimitQuotaResponse> onResponse) {
    this.stub = RateLimitQuotaServiceGrpc.newStub(Objects.requireNonNull(channel, "channel"));
    this.onResponse = Objects.requireNonNull(onResponse, "onResponse");
  }

  /**
   * The stream breaks (its replica went away) and the next one opens on {@code channel}, at the next
   * report tick, as Envoy's gRPC cluster picks another host for its next stream.
   */
  public synchronized void moveTo(Channel channel) {
    stub = RateLimitQuotaServiceGrpc.newStub(Objects.requireNonNull(channel, "channel"));
    if (requests instanceof ClientCallStreamObserver<RateLimitQuotaUsageReports> call) {
      call.cancel("the stream's replica went away", null);
    }
    current = null;
    requests = null;
  }

  /** A new bucket's report: opens the stream the first time, else goes only if it is open. */
  public synchronized void sendFirstReport(RateLimitQuotaUsageReports reports) {
    if (!everOpened) {
      open();
    }
    if (requests != null) {
      send(reports);
    }
  }

  /** The periodic report: reopens a closed stream first. */
  public synchronized void sendOnTick(RateLimitQuotaUsageReports reports) {
    if (requests == null) {
      open();
    }
    send(reports);
  }

  public long opened() {
    return opened.get();
  }

  /** Streams that ended while open: the server ended them, or the connection broke. */
  public long closedByServer() {
    return closedByServer.get();
  }

  /** A send on a call the server has just ended fails; the stream counts as closed, as Envoy's does. */
  private void send(RateLimitQuotaUsageReports reports) {
    try {
      requests.onNext(reports);
    } catch (RuntimeException e) {
      closed(current);
    }
  }

  private void open() {
    everOpened = true;
    opened.incrementAndGet();
    current = new ResponseObserver();
    requests = stub.streamRateLimitQuotas(current);
  }

  private synchronized void closed(ResponseObserver which) {
    if (current == which) {
      current = null;
      requests = null;
      closedByServer.incrementAndGet();
    }
  }

  @Override
  public synchronized void close() {
    if (requests != null) {
      StreamObserver<RateLimitQuotaUsageReports> ending = requests;
      requests = null;
      current = null;
      ending.onCompleted();
    }
  }

  private final class ResponseObserver implements StreamObserver<RateLimitQuotaResponse> {
    @Override
    public void onNext(RateLimitQuotaResponse response) {
      onResponse.accept(response);
    }

    @Override
    public void onError(Throwable t) {
      closed(this);
    }

    @Override
    public void onCompleted() {
      closed(this);
    }
  }
}
