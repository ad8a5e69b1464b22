package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UInt64Value;
import com.google.protobuf.UnknownFieldSet;
import io.egressratelimit.server.RateLimitServer;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.redis.OneRedisServer;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A post-paid budget shared by two replicas on one redis-server, asked over gRPC as Envoy asks at
 * request time (hits_addend 0) and at stream done (the call's cost, or is_negative_hits): charges
 * that overdraw are recorded, the debt keeps every replica from admitting until refill repays it,
 * and a refund never lifts the bucket above its capacity.
 */
class PostPaidOnTwoReplicasIT {
  @RegisterExtension
  static final OneRedisServer redis = new OneRedisServer();

  private final List<RateLimitServer> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void startTwoReplicas() throws Exception {
    Path config = Path.of(PostPaidOnTwoReplicasIT.class.getResource("/redis/post-paid.yaml").toURI());
    RedisStoreSettings redisSettings = TestStores.settings(redis.url(), RedisTopology.SINGLE, RedisStrategy.ATOMIC_SCRIPT)
        .withKeyPrefix("post-paid-" + System.nanoTime() + ":");
    for (int i = 0; i < 2; i++) {
      RateLimitServer server = RateLimitServer.start(ServerSettings.inMemory(config, 0, 0).withRedis(redisSettings));
      servers.add(server);
      channels.add(NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build());
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    servers.forEach(RateLimitServer::close);
  }

  @Test
  void chargesThatOverdrawAreRecordedAndTheDebtBlocksEveryReplicaUntilRepaid() throws Exception {
    assertEquals(RateLimitResponse.Code.OK, check(0).getOverallCode(), "a full bucket admits");
    assertEquals(RateLimitResponse.Code.OK, check(1).getOverallCode(), "on either replica");
    // 20 calls of cost 3 settle at once, half through each replica: 60 charged against 10 held.
    ExecutorService envoys = Executors.newFixedThreadPool(8);
    long chargingFrom;
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<RateLimitResponse>> charges = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int replica = i % 2;
        charges.add(envoys.submit(() -> {
          go.await();
          return ask(replica, descriptor(3, false));
        }));
      }
      chargingFrom = System.nanoTime();
      go.countDown();
      for (Future<RateLimitResponse> charge : charges) {
        assertEquals(RateLimitResponse.Code.OK, charge.get(20, TimeUnit.SECONDS).getOverallCode(),
            "a charge settles a call already made: it is never denied");
      }
    } finally {
      envoys.shutdownNow();
    }
    RateLimitResponse blocked = check(1);
    double sinceCharging = (System.nanoTime() - chargingFrom) / 1e9;
    assertEquals(RateLimitResponse.Code.OVER_LIMIT, blocked.getOverallCode());
    assertEquals(0, blocked.getStatuses(0).getLimitRemaining(), "debt reads as nothing left");
    // 50 owed and a reservation of 2, at 10 per second: 5.2 s after the charges, less what refilled
    // while they were being made (a lost charge would take 0.3 s off per call).
    double waitSeconds = blocked.getStatuses(0).getDurationUntilReset().getSeconds()
        + blocked.getStatuses(0).getDurationUntilReset().getNanos() / 1e9;
    assertTrue(waitSeconds >= 5.2 - sinceCharging - 0.05 && waitSeconds <= 5.2,
        "every charge recorded: 5.2 s until admitted less " + sinceCharging + " s of charging, got " + waitSeconds);

    int replica = 0;
    while (check(replica).getOverallCode() != RateLimitResponse.Code.OK) {
      assertTrue(System.nanoTime() - chargingFrom < TimeUnit.SECONDS.toNanos(10), "the debt was repaid within 10 s");
      replica = 1 - replica;
      Thread.sleep(100);
    }
    double blockedFor = (System.nanoTime() - chargingFrom) / 1e9;
    assertTrue(blockedFor >= 5.2 - 0.05, "no replica admitted until the debt was repaid; admitted after " + blockedFor + " s");
    System.out.printf("post-paid: 60 charged against 10 held in %.2f s; first admission %.2f s after the charges began"
        + " (5.2 s at the earliest)%n", sinceCharging, blockedFor);
  }

  @Test
  void aRefundNeverLiftsTheBucketAboveItsCapacity() {
    assertEquals(RateLimitResponse.Code.OK, ask(0, descriptor(4, false)).getOverallCode());
    RateLimitResponse refunded = ask(1, descriptor(1_000, true));
    assertEquals(RateLimitResponse.Code.OK, refunded.getOverallCode());
    assertEquals(10, refunded.getStatuses(0).getLimitRemaining(), "4 given back at most: the bucket holds 10");
    // Had the refund banked its 1,000, a charge of 30 would leave plenty; capped at 10, it leaves debt.
    assertEquals(0, ask(0, descriptor(30, false)).getStatuses(0).getLimitRemaining(), "30 charged against 10 held");
    assertEquals(RateLimitResponse.Code.OVER_LIMIT, check(1).getOverallCode(),
        "nothing was banked above capacity for later calls");
  }

  /** The request-time check Envoy sends with hits_addend 0. */
  private RateLimitResponse check(int replica) {
    return ask(replica, descriptor(0, false));
  }

  private RateLimitResponse ask(int replica, RateLimitDescriptor descriptor) {
    RateLimitRequest request = RateLimitRequest.newBuilder().setDomain("usage").addDescriptors(descriptor).build();
    return RateLimitServiceGrpc.newBlockingStub(channels.get(replica)).withDeadlineAfter(10, TimeUnit.SECONDS)
        .shouldRateLimit(request);
  }

  /** generic_key=tokens with its hits, as a refund (Envoy's is_negative_hits, field 4) when asked. */
  private static RateLimitDescriptor descriptor(long hits, boolean isNegativeHits) {
    RateLimitDescriptor.Builder descriptor = RateLimitDescriptor.newBuilder()
        .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("generic_key").setValue("tokens"))
        .setHitsAddend(UInt64Value.of(hits));
    if (isNegativeHits) {
      descriptor.setUnknownFields(UnknownFieldSet.newBuilder()
          .addField(4, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build());
    }
    return descriptor.build();
  }
}
