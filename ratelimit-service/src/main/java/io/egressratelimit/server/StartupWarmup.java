package io.egressratelimit.server;

import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.limiter.WarmupTraffic;
import io.egressratelimit.settings.GrpcTlsSettings;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.settings.WarmupSettings;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.envoyproxy.envoy.type.v3.RateLimitUnit;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * The calls a replica sends itself before it reports SERVING: real ShouldRateLimit calls over the
 * transport Envoy uses (its own gRPC port over HTTP/2, or its unix socket), each with a deadline
 * as Envoy sends one, through the engine and the store (on Redis, real script round trips). They
 * are rehearsals (see {@link WarmupTraffic}): one descriptor per configured rule, in the rule's
 * own domain, so the real rule matching, the rules' meters and the domains' store queues are made
 * and run; and limits carried in the request, as Envoy can send them, in the reserved warm-up
 * domain, on distinct keys and on one key every call shares (a hot key). Every claim is moved to a
 * bucket of the rehearsal's own that lives a second, so no real budget is touched, and what they
 * count goes where no operator reads it. Enough of them, several in flight, leave the hot path
 * compiled by the JIT, the classes loaded, the script cached in Redis and the connections open,
 * so the first caller after SERVING meets the same service as the millionth.
 */
final class StartupWarmup {
  /** The distinct warm-up buckets, beside one every call shares (a hot key). */
  private static final int KEYS = 32;
  /** Under the backend timeout, so the store fits its wait into the caller's deadline, as for Envoy's calls. */
  private static final long DEADLINE_MILLIS = 500;

  private final WarmupSettings settings;
  private final List<RateLimitRequest> requests;

  StartupWarmup(WarmupSettings settings, Map<String, List<List<DescriptorEntry>>> ruleExamples) {
    this.settings = settings;
    this.requests = new ArrayList<>();
    ruleExamples.forEach((domain, examples) -> {
      for (List<DescriptorEntry> entries : examples) {
        RateLimitDescriptor.Builder descriptor = RateLimitDescriptor.newBuilder();
        entries.forEach(entry -> descriptor.addEntries(
            RateLimitDescriptor.Entry.newBuilder().setKey(entry.key()).setValue(entry.value())));
        requests.add(RateLimitRequest.newBuilder().setDomain(domain).addDescriptors(descriptor).build());
      }
    });
    for (int i = 0; i < KEYS; i++) {
      requests.add(RateLimitRequest.newBuilder().setDomain(WarmupTraffic.DOMAIN)
          .addDescriptors(descriptor("warmup_key", "k" + i))
          .addDescriptors(descriptor("warmup_hot", "shared"))
          .build());
    }
  }

  private static RateLimitDescriptor descriptor(String key, String value) {
    return RateLimitDescriptor.newBuilder()
        .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value))
        .setLimit(RateLimitDescriptor.RateLimitOverride.newBuilder()
            .setRequestsPerUnit(1_000_000).setUnit(RateLimitUnit.SECOND))
        .build();
  }

  /** One run: how many calls went out, how many failed, and the first failure's reason. */
  record Outcome(int calls, int failed, String firstFailure) {
    /**
     * The path was exercised: the store decided calls. Some may miss the store deadline on a
     * crowded machine, which is no reason to hold the replica back; a store that cannot answer at
     * all fails them all.
     */
    boolean exercised() {
      return failed < calls;
    }
  }

  /**
   * Sends the calls through {@code call}, some in flight at once, for at most the settings' duration;
   * stops early when {@code stop} says so.
   */
  Outcome run(Function<RateLimitRequest, CompletionStage<RateLimitResponse>> call, BooleanSupplier stop)
      throws InterruptedException {
    Semaphore permits = new Semaphore(settings.inFlight());
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    long end = System.nanoTime() + settings.maxDuration().toNanos();
    int sent = 0;
    for (; sent < settings.calls() && !stop.getAsBoolean() && (sent == 0 || System.nanoTime() < end); sent++) {
      permits.acquire();
      call.apply(requests.get(sent % requests.size())).whenComplete((response, failure) -> {
        if (failure != null || response.getOverallCode() != RateLimitResponse.Code.OK) {
          failed.incrementAndGet();
          firstFailure.compareAndSet(null, failure != null ? String.valueOf(failure.getMessage())
              : "answered " + response.getOverallCode());
        }
        permits.release();
      });
    }
    permits.acquire(settings.inFlight());
    return new Outcome(sent, failed.get(), firstFailure.get());
  }

  /** A client channel and what must close with it. */
  record Loopback(ManagedChannel channel, Runnable close) {}

  /**
   * A channel to this replica's own gRPC port (or its unix socket, GRPC_UDS). Over TLS the server's
   * own certificate is trusted blindly (it is our own socket) and presented as the client
   * certificate, in case mTLS asks for one.
   */
  static Loopback loopbackChannel(ServerSettings settings, int port) {
    NettyChannelBuilder builder;
    EventLoopGroup group = null;
    if (settings.upstream().grpcUds().isPresent()) {
      group = new EpollEventLoopGroup(1);
      builder = NettyChannelBuilder.forAddress(new DomainSocketAddress(settings.upstream().grpcUds().get().toString()))
          .channelType(EpollDomainSocketChannel.class)
          .eventLoopGroup(group);
    } else {
      builder = NettyChannelBuilder.forAddress(
          loopbackHost(settings.upstream().grpcHost().orElse(settings.listen().host())), port);
    }
    if (settings.listen().grpcTls().isEmpty()) {
      builder.usePlaintext();
    } else {
      GrpcTlsSettings tls = settings.listen().grpcTls().get();
      try {
        builder.sslContext(GrpcSslContexts.forClient()
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .keyManager(tls.certificateChain().toFile(), tls.privateKey().toFile())
            .build());
      } catch (SSLException e) {
        throw new IllegalStateException("cannot build the warm-up's TLS client: " + e.getMessage(), e);
      }
    }
    ManagedChannel channel = builder.build();
    EventLoopGroup ownGroup = group;
    return new Loopback(channel, () -> {
      channel.shutdownNow();
      if (ownGroup != null) {
        ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
    });
  }

  /**
   * Waits until the channel has connected, at most {@code max}: the calls' deadlines are for the
   * server's answer, as Envoy's are, not for a cold client's first connection.
   */
  static void awaitConnected(ManagedChannel channel, Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    ConnectivityState state;
    while ((state = channel.getState(true)) != ConnectivityState.READY) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return; // the calls will say why
      }
      CountDownLatch changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(state, changed::countDown);
      changed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
    }
  }

  /** The address a client on this host reaches the server at: loopback when it binds every address. */
  static String loopbackHost(String bindHost) {
    return switch (bindHost) {
      case "0.0.0.0", "::", "[::]", "" -> "127.0.0.1";
      default -> bindHost;
    };
  }

  /** ShouldRateLimit over the channel, as a stage. */
  static Function<RateLimitRequest, CompletionStage<RateLimitResponse>> overGrpc(ManagedChannel channel,
      Metadata rehearsalMarker) {
    RateLimitServiceGrpc.RateLimitServiceStub stub = RateLimitServiceGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(rehearsalMarker));
    return request -> {
      CompletableFuture<RateLimitResponse> answer = new CompletableFuture<>();
      stub.withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS).shouldRateLimit(request,
          new StreamObserver<>() {
            @Override
            public void onNext(RateLimitResponse response) {
              answer.complete(response);
            }

            @Override
            public void onError(Throwable failure) {
              answer.completeExceptionally(failure);
            }

            @Override
            public void onCompleted() {
              // answered in onNext
            }
          });
      return answer;
    };
  }
}
