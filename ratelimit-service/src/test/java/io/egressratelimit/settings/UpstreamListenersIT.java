package io.egressratelimit.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.redis.RedisStoreSettings;
import io.egressratelimit.server.RateLimitServer;
import io.egressratelimit.testing.Eventually;
import io.egressratelimit.testing.RlsTestClient;
import io.egressratelimit.testing.redis.RedisServerProcess;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * envoyproxy/ratelimit's listener and socket settings with real sockets: gRPC on a unix domain
 * socket in front of a Redis on a unix socket, and the GOAWAY of GRPC_MAX_CONNECTION_AGE.
 */
class UpstreamListenersIT {

  private static Path config() throws Exception {
    return Path.of(UpstreamListenersIT.class.getResource("/server/geocode.yaml").toURI());
  }

  @Test
  void grpcOnAUnixSocketDecidesOnARedisBehindAUnixSocket(@TempDir Path dir) throws Exception {
    Path redisSocket = dir.resolve("redis.sock");
    Path grpcSocket = dir.resolve("ratelimit.sock");
    UpstreamEnvironment upstream = UpstreamEnvironment.read(Map.of("REDIS_SOCKET_TYPE", "unix",
        "GRPC_UDS", grpcSocket.toString()), Set.of());
    try (RedisServerProcess redis = RedisServerProcess.start("--unixsocket", redisSocket.toString(),
        "--unixsocketperm", "700")) {
      Optional<RedisStoreSettings> store = upstream.redis(Optional.of(
          RedisStoreSettings.standalone(redisSocket.toString()).withTimeout(Duration.ofSeconds(2))));
      ServerSettings settings = ServerSettings.inMemory(config(), 0, 0).toBuilder().redis(store)
          .upstream(upstream.settings(false)).build();
      EpollEventLoopGroup group = new EpollEventLoopGroup(1);
      try (RateLimitServer server = RateLimitServer.start(settings)) {
        assertTrue(Files.exists(grpcSocket), "the socket is bound");
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(grpcSocket.toString()))
            .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build();
        try (RlsTestClient rls = new RlsTestClient(channel)) {
          for (int i = 0; i < 3; i++) {
            assertEquals(RateLimitResponse.Code.OK, rls.askGeocode().getOverallCode());
          }
          assertEquals(RateLimitResponse.Code.OVER_LIMIT, rls.askGeocode().getOverallCode(), "3 per minute");
        }
        assertTrue(Integer.parseInt(redis.command("DBSIZE").replaceAll("\\D", "")) >= 1,
            "the bucket is in the Redis behind the unix socket");
      } finally {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anOldConnectionGetsAGoawayAndTheClientMovesToANewOne() throws Exception {
    UpstreamSettings upstream = UpstreamEnvironment.read(Map.of("GRPC_MAX_CONNECTION_AGE", "1s",
        "GRPC_MAX_CONNECTION_AGE_GRACE", "1s"), Set.of()).settings(false);
    ServerSettings settings = ServerSettings.inMemory(config(), 0, 0).toBuilder().upstream(upstream).build();
    try (RateLimitServer server = RateLimitServer.start(settings);
        RlsTestClient rls = RlsTestClient.plaintext(server.grpcPort())) {
      ManagedChannel channel = rls.channel();
      assertEquals(RateLimitResponse.Code.OK, rls.askGeocode().getOverallCode());
      assertEquals(ConnectivityState.READY, channel.getState(false));
      // Nothing on the client closes the connection: leaving READY is the server's GOAWAY after the age.
      CountDownLatch leftReady = new CountDownLatch(1);
      channel.notifyWhenStateChanged(ConnectivityState.READY, leftReady::countDown);
      assertTrue(leftReady.await(60, TimeUnit.SECONDS), "the server ended the connection after its age");
      assertEquals(RateLimitResponse.Code.OK, rls.askGeocode().getOverallCode(), "answered on a new connection");
      assertTrue(Eventually.within(Duration.ofSeconds(10), () -> channel.getState(false) == ConnectivityState.READY));
    }
  }
}
