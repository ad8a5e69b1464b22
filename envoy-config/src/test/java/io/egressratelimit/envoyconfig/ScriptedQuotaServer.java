package io.egressratelimit.envoyconfig;

import io.envoyproxy.envoy.service.rate_limit_quota.v3.BucketId;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaServiceGrpc;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports.BucketQuotaUsage;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real RateLimitQuotaService on a free port whose answers the test writes by hand: it records
 * every usage it is sent, with the time it arrived, and sends a response on the latest stream when
 * told. It plays the server's part in tests of Envoy's filter, never in tests of our server.
 */
final class ScriptedQuotaServer implements AutoCloseable {
  /** One bucket's usage in one report, and when the report arrived (System.nanoTime). */
  record Usage(long atNanos, boolean alone, BucketQuotaUsage usage) {
    BucketId bucket() {
      return usage.getBucketId();
    }
  }

  private final Server server;
  private final List<Usage> received = new ArrayList<>();
  private StreamObserver<RateLimitQuotaResponse> latest;
  private int streams;

  private ScriptedQuotaServer() throws IOException {
    server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
        .addService(new RateLimitQuotaServiceGrpc.RateLimitQuotaServiceImplBase() {
          @Override
          public StreamObserver<RateLimitQuotaUsageReports> streamRateLimitQuotas(
              StreamObserver<RateLimitQuotaResponse> responses) {
            opened(responses);
            return new StreamObserver<>() {
              @Override
              public void onNext(RateLimitQuotaUsageReports reports) {
                record(reports);
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            };
          }
        })
        .build().start();
  }

  static ScriptedQuotaServer start() throws IOException {
    return new ScriptedQuotaServer();
  }

  int port() {
    return server.getPort();
  }

  private synchronized void opened(StreamObserver<RateLimitQuotaResponse> responses) {
    latest = responses;
    streams++;
  }

  private synchronized void record(RateLimitQuotaUsageReports reports) {
    long now = System.nanoTime();
    boolean alone = reports.getBucketQuotaUsagesCount() == 1;
    reports.getBucketQuotaUsagesList().forEach(usage -> received.add(new Usage(now, alone, usage)));
    notifyAll();
  }

  /** Sends on the stream opened last. */
  synchronized void send(RateLimitQuotaResponse response) {
    if (latest == null) {
      throw new IllegalStateException("no stream is open yet");
    }
    latest.onNext(response);
  }

  synchronized List<Usage> received() {
    return new ArrayList<>(received);
  }

  synchronized int streams() {
    return streams;
  }

  /** Waits (bounded) until this many usages of the bucket have arrived in all. */
  synchronized List<Usage> awaitUsages(BucketId bucket, int count, long timeoutMillis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (of(bucket).size() < count) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("after " + timeoutMillis + " ms the server had " + of(bucket).size() + " usage(s) of "
            + bucket.getBucketMap() + ", waiting for " + count);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return of(bucket);
  }

  synchronized List<Usage> of(BucketId bucket) {
    return received.stream().filter(u -> u.bucket().equals(bucket)).toList();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
