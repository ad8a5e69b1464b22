package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.egressratelimit.server.RateLimitServer;
import io.egressratelimit.server.ServerSettings;
import io.egressratelimit.testing.redis.OneRedisServer;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two service instances on one redis-server, asked over real gRPC sockets as two Envoys would ask
 * them: together they admit exactly the budget.
 */
class SharedBudgetIT {
  @RegisterExtension
  static final OneRedisServer redis = new OneRedisServer();

  @ParameterizedTest
  @EnumSource(RedisStrategy.class)
  void fiftyConcurrentRequestsSpreadOverTwoInstancesAdmitExactlyTheBudgetOfTen(RedisStrategy strategy)
      throws Exception {
    Path config = Path.of(SharedBudgetIT.class.getResource("/redis/shared-budget.yaml").toURI());
    // A fresh prefix per strategy: both runs use the same descriptor on the same Redis.
    RedisStoreSettings redisSettings = TestStores.settings(redis.url(), RedisTopology.SINGLE, strategy)
        .withKeyPrefix("shared-" + strategy + ":");
    List<RateLimitServer> servers = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    ExecutorService envoys = Executors.newFixedThreadPool(16);
    try {
      for (int i = 0; i < 2; i++) {
        RateLimitServer server = RateLimitServer.start(ServerSettings.inMemory(config, 0, 0).withRedis(redisSettings));
        servers.add(server);
        channels.add(NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build());
      }
      RateLimitRequest request = RateLimitRequest.newBuilder()
          .setDomain("geocode")
          .addDescriptors(RateLimitDescriptor.newBuilder()
              .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("generic_key").setValue("geocode")))
          .build();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<RateLimitResponse.Code>> answers = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        ManagedChannel channel = channels.get(i % 2);
        answers.add(envoys.submit(() -> {
          go.await();
          return RateLimitServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
              .shouldRateLimit(request).getOverallCode();
        }));
      }
      go.countDown();
      Map<RateLimitResponse.Code, Integer> counts = new EnumMap<>(RateLimitResponse.Code.class);
      for (Future<RateLimitResponse.Code> answer : answers) {
        counts.merge(answer.get(20, TimeUnit.SECONDS), 1, Integer::sum);
      }
      assertEquals(Map.of(RateLimitResponse.Code.OK, 10, RateLimitResponse.Code.OVER_LIMIT, 40), counts);
    } finally {
      envoys.shutdownNow();
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      servers.forEach(RateLimitServer::close);
    }
  }
}
