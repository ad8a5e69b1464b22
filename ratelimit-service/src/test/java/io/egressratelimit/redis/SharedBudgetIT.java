package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.domain.Algorithm;
import io.egressratelimit.domain.BucketKey;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.LimitPolicy;
import io.egressratelimit.domain.RateUnit;
import io.egressratelimit.server.RateLimitServer;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.redis.ClusterFixture;
import io.egressratelimit.testing.redis.OneRedisServer;
import io.egressratelimit.testing.redis.RedisNode;
import io.egressratelimit.testing.redis.RespClient;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.lettuce.core.cluster.SlotHash;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two service instances on one redis-server, and on a Redis Cluster, asked over real gRPC sockets as
 * two Envoys would ask them: together they admit exactly the budget.
 */
class SharedBudgetIT {
  @RegisterExtension
  static final OneRedisServer redis = new OneRedisServer();

  @ParameterizedTest
  @EnumSource(RedisStrategy.class)
  void fiftyConcurrentRequestsSpreadOverTwoInstancesAdmitExactlyTheBudgetOfTen(RedisStrategy strategy)
      throws Exception {
    // A fresh prefix per strategy: both runs use the same descriptor on the same Redis.
    RedisStoreSettings redisSettings = TestStores.settings(redis.url(), RedisTopology.SINGLE, strategy)
        .withKeyPrefix("shared-" + strategy + ":");
    RateLimitRequest request = request();
    assertEquals(Map.of(RateLimitResponse.Code.OK, 10, RateLimitResponse.Code.OVER_LIMIT, 40),
        answers(redisSettings, i -> request));
  }

  /**
   * On a Redis Cluster of three masters, requests naming the global budget and one of several users'
   * budgets, each user's bucket on another master than the global one: the two instances admit
   * exactly the tighter of the two, whichever it is.
   */
  @ParameterizedTest
  @ValueSource(ints = {5, 3})
  void onAClusterRequestsOverTwoMastersAdmitExactlyTheTighterBudget(int users) throws Exception {
    try (ClusterFixture cluster = ClusterFixture.start()) {
      RedisStoreSettings redisSettings = TestStores.settings(cluster.seeds(), RedisTopology.CLUSTER,
          RedisStrategy.ATOMIC_SCRIPT).withKeyPrefix("shared:");
      String global = redisKey(entry("generic_key", "geocode"), 10);
      RedisNode globalsMaster = masterOf(cluster, global);
      List<String> names = new ArrayList<>();
      for (int i = 0; names.size() < users; i++) {
        if (masterOf(cluster, redisKey(entry("user", "u" + i), 3)) != globalsMaster) {
          names.add("u" + i);
        }
      }
      IntFunction<RateLimitRequest> requests = i -> request().toBuilder()
          .addDescriptors(RateLimitDescriptor.newBuilder().addEntries(entry("user", names.get(i % users)))).build();
      Answers counts = answers(redisSettings, requests, true);
      int admitted = Math.min(10, 3 * users);
      int inTheBurst = counts.burst().getOrDefault(RateLimitResponse.Code.OK, 0);
      // Slot by slot, a request the later slot denies holds the earlier slot's tokens until it gives
      // them back, so a burst may deny more than an atomic script would: never admit more.
      assertTrue(inTheBurst <= admitted, users + " users of 3 each and a global budget of 10: " + counts);
      assertEquals(admitted, inTheBurst + counts.admittedOneByOne(),
          users + " users of 3 each and a global budget of 10: every token held was given back, so the burst and the"
              + " same requests one by one after it spend the tighter budget exactly: " + counts);
      assertEquals(1L, RespClient.call(globalsMaster.port(), "EXISTS", global));
      for (String name : names) {
        String user = redisKey(entry("user", name), 3);
        assertEquals(1L, RespClient.call(masterOf(cluster, user).port(), "EXISTS", user), user + " is where it was expected");
      }
    }
  }

  private static RateLimitRequest request() {
    return RateLimitRequest.newBuilder()
        .setDomain("geocode")
        .addDescriptors(RateLimitDescriptor.newBuilder().addEntries(entry("generic_key", "geocode")))
        .build();
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }

  /** The Redis key of the bucket of one descriptor under a budget of {@code perHour} token bucket. */
  private static String redisKey(RateLimitDescriptor.Entry entry, long perHour) {
    String bucket = BucketKey.withPolicy(BucketKey.of("geocode", List.of(new DescriptorEntry(entry.getKey(),
        entry.getValue()))), new LimitPolicy(perHour, Duration.ofHours(1), Optional.of(RateUnit.HOUR),
        Algorithm.TOKEN_BUCKET, perHour));
    return BucketKey.spreadInStore("shared:", bucket);
  }

  private static RedisNode masterOf(ClusterFixture cluster, String key) {
    return cluster.masterOf(SlotHash.getSlot(key));
  }

  /** Fifty requests at once, spread over two service instances as two Envoys would send them. */
  private static Map<RateLimitResponse.Code, Integer> answers(RedisStoreSettings redisSettings,
      IntFunction<RateLimitRequest> requests) throws Exception {
    return answers(redisSettings, requests, false).burst();
  }

  /** The answers to fifty requests sent at once, and how many of the same fifty sent one by one after were admitted. */
  private record Answers(Map<RateLimitResponse.Code, Integer> burst, int admittedOneByOne) {}

  /**
   * Fifty requests at once, over two instances; with {@code oneByOneAfter}, once every answer is in,
   * the same fifty again one at a time.
   */
  private static Answers answers(RedisStoreSettings redisSettings,
      IntFunction<RateLimitRequest> requests, boolean oneByOneAfter) throws Exception {
    Path config = Path.of(SharedBudgetIT.class.getResource("/redis/shared-budget.yaml").toURI());
    List<RateLimitServer> servers = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    ExecutorService envoys = Executors.newFixedThreadPool(16);
    try {
      for (int i = 0; i < 2; i++) {
        RateLimitServer server = RateLimitServer.start(ServerSettings.inMemory(config, 0, 0).withRedis(redisSettings));
        servers.add(server);
        channels.add(NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build());
      }
      CountDownLatch go = new CountDownLatch(1);
      List<Future<RateLimitResponse.Code>> answers = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        ManagedChannel channel = channels.get(i % 2);
        RateLimitRequest request = requests.apply(i);
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
      int admittedOneByOne = 0;
      for (int i = 0; oneByOneAfter && i < 50; i++) {
        RateLimitResponse.Code code = RateLimitServiceGrpc.newBlockingStub(channels.get(i % 2))
            .withDeadlineAfter(10, TimeUnit.SECONDS).shouldRateLimit(requests.apply(i)).getOverallCode();
        admittedOneByOne += code == RateLimitResponse.Code.OK ? 1 : 0;
      }
      return new Answers(counts, admittedOneByOne);
    } finally {
      envoys.shutdownNow();
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      servers.forEach(RateLimitServer::close);
    }
  }
}
