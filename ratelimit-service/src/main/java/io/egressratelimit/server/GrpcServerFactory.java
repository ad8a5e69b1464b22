package io.egressratelimit.server;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/** The gRPC server: plaintext, TLS, or mTLS when a client CA is set. */
final class GrpcServerFactory {
  private GrpcServerFactory() {}

  static Server build(ServerSettings settings, BindableService rateLimit, BindableService health,
      List<ServerInterceptor> interceptors) {
    NettyServerBuilder builder;
    try {
      builder = NettyServerBuilder.forAddress(
          new InetSocketAddress(settings.host(), settings.grpcPort()), credentials(settings.grpcTls()));
    } catch (IllegalArgumentException e) {
      // Netty reads the PEM files here; a wrong format or a key that does not match surfaces so.
      throw new StartupException("the gRPC TLS certificate or key is not usable: " + e.getMessage(), e);
    }
    interceptors.forEach(builder::intercept);
    return builder
        // Decisions never block (the stores answer asynchronously), so they run on the event loop
        // and skip a thread hop per call.
        .directExecutor()
        .addService(rateLimit)
        .addService(health)
        .addService(ProtoReflectionServiceV1.newInstance())
        .build();
  }

  private static ServerCredentials credentials(Optional<GrpcTlsSettings> tls) {
    if (tls.isEmpty()) {
      return InsecureServerCredentials.create();
    }
    GrpcTlsSettings files = tls.get();
    try {
      TlsServerCredentials.Builder builder = TlsServerCredentials.newBuilder()
          .keyManager(files.certificateChain().toFile(), files.privateKey().toFile());
      if (files.clientCa().isPresent()) {
        builder.trustManager(files.clientCa().get().toFile())
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
      }
      return builder.build();
    } catch (IOException e) {
      throw new StartupException("cannot read the gRPC TLS files: " + e.getMessage(), e);
    }
  }
}
