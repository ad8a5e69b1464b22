package io.egressratelimit.loadgen.rlqs;

import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaResponse.BucketAction.QuotaAssignmentAction;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaServiceGrpc;
import io.envoyproxy.envoy.service.rate_limit_quota.v3.RateLimitQuotaUsageReports;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC RateLimitQuotaService on a free port that answers every report with one fixed
 * assignment per reported bucket. It stands in for the product's server in tests of the load
 * generator alone; it is not a mock of that server and does no share bookkeeping.
 */
public final class TestQuotaServer implements AutoCloseable {
  private final Server server;
  private final List<RateLimitQuotaUsageReports> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger streams = new AtomicInteger();

  private TestQuotaServer(QuotaAssignmentAction assignment, boolean endAfterFirstAnswer) throws IOException {
    RateLimitQuotaServiceGrpc.RateLimitQuotaServiceImplBase service =
        new RateLimitQuotaServiceGrpc.RateLimitQuotaServiceImplBase() {
          @Override
          public StreamObserver<RateLimitQuotaUsageReports> streamRateLimitQuotas(
              StreamObserver<RateLimitQuotaResponse> responses) {
            streams.incrementAndGet();
            return new StreamObserver<>() {
              @Override
              public void onNext(RateLimitQuotaUsageReports reports) {
                received.add(reports);
                RateLimitQuotaResponse.Builder answer = RateLimitQuotaResponse.newBuilder();
                reports.getBucketQuotaUsagesList().forEach(usage -> answer.addBucketAction(
                    BucketAction.newBuilder().setBucketId(usage.getBucketId()).setQuotaAssignmentAction(assignment)));
                synchronized (responses) {
                  responses.onNext(answer.build());
                  if (endAfterFirstAnswer) {
                    responses.onCompleted();
                  }
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                if (!endAfterFirstAnswer) {
                  responses.onCompleted();
                }
              }
            };
          }
        };
    server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(service).build().start();
  }

  public static TestQuotaServer assigning(QuotaAssignmentAction assignment) throws IOException {
    return new TestQuotaServer(assignment, false);
  }

  /** Answers the first report of each stream, then ends the stream, as a replica that goes away does. */
  public static TestQuotaServer endingEachStreamAfterItsFirstAnswer(QuotaAssignmentAction assignment) throws IOException {
    return new TestQuotaServer(assignment, true);
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  public List<RateLimitQuotaUsageReports> received() {
    return received;
  }

  public int streams() {
    return streams.get();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
