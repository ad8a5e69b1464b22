package io.egressratelimit.server;

import io.egressratelimit.rls.MalformedRequests;
import io.egressratelimit.settings.GrpcTlsSettings;
import io.egressratelimit.settings.ListenSettings;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.settings.UpstreamSettings;
import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC server: on a TCP port or a unix domain socket (GRPC_UDS), plaintext, TLS, or mTLS when a
 * client CA is set, optionally requiring a SAN in the client certificate.
 */
final class GrpcServerFactory {
  /** SETTINGS_MAX_CONCURRENT_STREAMS, per connection. */
  static final int MAX_CONCURRENT_STREAMS = 1024;

  private GrpcServerFactory() {}

  /**
   * Builds the server, not started.
   *
   * @param closeLast receives what must be closed after the server stops (a socket's event loops)
   */
  static Server build(ServerSettings settings, BindableService rateLimit, ServerServiceDefinition quota,
      BindableService health, List<ServerInterceptor> interceptors, Deque<AutoCloseable> closeLast) {
    UpstreamSettings upstream = settings.upstream();
    ListenSettings listen = settings.listen();
    ServerCredentials credentials = credentials(listen.grpcTls(), upstream.grpcClientTlsSan());
    NettyServerBuilder builder;
    try {
      builder = upstream.grpcUds().isPresent()
          ? onSocket(upstream.grpcUds().get(), credentials, closeLast)
          : NettyServerBuilder.forAddress(
              new InetSocketAddress(upstream.grpcHost().orElse(listen.host()), listen.grpcPort()), credentials);
    } catch (IllegalArgumentException e) {
      // Netty reads the PEM files here; a wrong format or a key that does not match surfaces so.
      throw new StartupException("the gRPC TLS certificate or key is not usable: " + e.getMessage(), e);
    }
    // First added runs innermost: a malformed request is answered before the service sees it, and
    // every other interceptor still sees the call and its INVALID_ARGUMENT.
    builder.intercept(MalformedRequests.interceptor());
    interceptors.forEach(builder::intercept);
    return builder
        // Decisions never block (the stores answer asynchronously), so they run on the event loop
        // and skip a thread hop per call.
        .directExecutor()
        // A long-lived connection pins a client to one replica; its age bounds that, so the new
        // replicas of a scale-up get their share (envoyproxy/ratelimit's 24 h and 1 h by default).
        .maxConnectionAge(upstream.grpcMaxConnectionAge().toNanos(), TimeUnit.NANOSECONDS)
        .maxConnectionAgeGrace(upstream.grpcMaxConnectionAgeGrace().toNanos(), TimeUnit.NANOSECONDS)
        // One connection may carry this many calls at once. Envoy's default circuit breaker lets a
        // cluster have 1024 requests in flight, so one connection carries all that a default
        // Envoy sends; past the cap Envoy opens another connection rather than queueing. Without
        // a cap (gRPC's default, and envoyproxy/ratelimit's) one client could open any number.
        .maxConcurrentCallsPerConnection(MAX_CONCURRENT_STREAMS)
        .addService(MalformedRequests.parsedLeniently(rateLimit.bindService()))
        .addService(MalformedRequests.parsedLeniently(quota))
        .addService(health)
        .addService(ProtoReflectionServiceV1.newInstance())
        .build();
  }

  private static NettyServerBuilder onSocket(Path socket, ServerCredentials credentials,
      Deque<AutoCloseable> closeLast) {
    if (!Epoll.isAvailable()) {
      throw new StartupException("GRPC_UDS needs Linux epoll, which is not available here: "
          + Epoll.unavailabilityCause(), Epoll.unavailabilityCause());
    }
    EventLoopGroup boss = new EpollEventLoopGroup(1);
    EventLoopGroup workers = new EpollEventLoopGroup();
    closeLast.push(() -> {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    });
    return NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()), credentials)
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(boss)
        .workerEventLoopGroup(workers);
  }

  private static ServerCredentials credentials(Optional<GrpcTlsSettings> tls, Optional<String> clientSan) {
    if (tls.isEmpty()) {
      return InsecureServerCredentials.create();
    }
    GrpcTlsSettings files = tls.get();
    try {
      TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder()
          .keyManager(files.certificateChain().toFile(), files.privateKey().toFile());
      if (files.clientCa().isPresent()) {
        if (clientSan.isPresent()) {
          builder.trustManager(ClientSanTrustManager.create(files.clientCa().get(), clientSan.get()));
        } else {
          builder.trustManager(files.clientCa().get().toFile());
        }
        builder.clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      return builder.build();
    } catch (IOException e) {
      throw new StartupException("cannot read the gRPC TLS files: " + e.getMessage(), e);
    }
  }
}
