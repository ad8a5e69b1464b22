package io.egressratelimit.loadgen.rls;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real gRPC RateLimitService on a free port, answering by a rule the test gives. It stands in for
 * the product's service in tests of the load generator alone; it is not a mock of that service.
 */
public final class TestRateLimitServer implements AutoCloseable {
  private static final String WARMUP_DOMAIN = "_ratelimit_warmup";
  private final Server server;
  private final int port;
  private final List<RateLimitRequest> received = new CopyOnWriteArrayList<>();
  private final List<RateLimitRequest> warmups = new CopyOnWriteArrayList<>();
  private final List<StreamObserver<RateLimitResponse>> held = new CopyOnWriteArrayList<>();

  private TestRateLimitServer(Function<Integer, RateLimitResponse> rule, boolean hang) throws IOException {
    RateLimitServiceGrpc.RateLimitServiceImplBase service =
        new RateLimitServiceGrpc.RateLimitServiceImplBase() {
          @Override
          public synchronized void shouldRateLimit(RateLimitRequest request, StreamObserver<RateLimitResponse> response) {
            if (WARMUP_DOMAIN.equals(request.getDomain()) && !hang) {
              warmups.add(request); // as the real service: buckets of their own, never a counted budget
              response.onNext(ok());
              response.onCompleted();
              return;
            }
            received.add(request);
            if (hang) {
              held.add(response); // never answered: the caller's deadline has to end the call
              return;
            }
            response.onNext(rule.apply(received.size()));
            response.onCompleted();
          }
        };
    server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(service).build().start();
    port = server.getPort();
  }

  /** OK for the first {@code allowed} calls, then OVER_LIMIT with the given reset. */
  public static TestRateLimitServer allowingFirst(int allowed, java.time.Duration reset) throws IOException {
    return new TestRateLimitServer(n -> n <= allowed ? ok() : overLimit(reset), false);
  }

  public static TestRateLimitServer answering(Function<Integer, RateLimitResponse> rule) throws IOException {
    return new TestRateLimitServer(rule, false);
  }

  /** Accepts every call and never answers. */
  public static TestRateLimitServer hanging() throws IOException {
    return new TestRateLimitServer(n -> ok(), true);
  }

  public static RateLimitResponse ok() {
    return RateLimitResponse.newBuilder().setOverallCode(RateLimitResponse.Code.OK).build();
  }

  public static RateLimitResponse overLimit(java.time.Duration reset) {
    return RateLimitResponse.newBuilder()
        .setOverallCode(RateLimitResponse.Code.OVER_LIMIT)
        .addStatuses(RateLimitResponse.DescriptorStatus.newBuilder()
            .setCode(RateLimitResponse.Code.OVER_LIMIT)
            .setDurationUntilReset(Duration.newBuilder().setSeconds(reset.getSeconds()).setNanos(reset.getNano())))
        .build();
  }

  /** The port, still known after close: a closed server's port is a handy unreachable target. */
  public int port() {
    return port;
  }

  public String target() {
    return "127.0.0.1:" + port();
  }

  /** The calls outside the service's reserved warm-up domain. */
  public List<RateLimitRequest> received() {
    return received;
  }

  /** The calls in the service's reserved warm-up domain, answered OK and counted apart. */
  public List<RateLimitRequest> warmups() {
    return warmups;
  }

  @Override
  public void close() throws InterruptedException {
    for (StreamObserver<RateLimitResponse> call : held) {
      try {
        call.onCompleted();
      } catch (RuntimeException alreadyCancelled) {
        // the client gave up at its deadline; nothing is left to answer
      }
    }
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }
}
