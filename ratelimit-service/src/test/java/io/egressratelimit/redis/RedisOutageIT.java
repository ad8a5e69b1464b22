package io.egressratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.limiter.FailurePolicies;
import io.egressratelimit.limiter.FailurePolicy;
import io.egressratelimit.server.RateLimitServer;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.redis.OneRedisServer;
import io.egressratelimit.testing.redis.RedisNodes;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Redis killed under load and started again on its port, behind a real service asked over gRPC:
 * every call is answered before a deadline of the backend timeout plus a margin, with the
 * configured failure policy while Redis is gone, and answers come from Redis again once it is back,
 * without anyone restarting the service.
 */
class RedisOutageIT {
  private static final Duration BACKEND_TIMEOUT = Duration.ofMillis(200);
  /** Room for a loaded two-core machine; a call that waited on a dead connection would take seconds. */
  private static final Duration MARGIN = Duration.ofMillis(800);

  @RegisterExtension
  static final OneRedisServer redis = new OneRedisServer();

  /** What one call got: an answer from Redis, the policy's answer, or something that should never happen. */
  private enum Answer { FROM_REDIS, FROM_POLICY, WRONG }

  @ParameterizedTest
  @EnumSource(FailurePolicy.class)
  void everyCallIsAnsweredInTimeByThePolicyWhileRedisIsDownAndByRedisOnceItIsBack(FailurePolicy policy)
      throws Exception {
    Path config = Path.of(RedisOutageIT.class.getResource("/redis/large-budget.yaml").toURI());
    RedisStoreSettings redisSettings = RedisStoreSettings.standalone(redis.url())
        .withKeyPrefix("outage-" + policy + ":")
        .withTimeout(BACKEND_TIMEOUT);
    RateLimitServer server = RateLimitServer.start(ServerSettings.inMemory(config, 0, 0)
        .withRedis(redisSettings)
        .withFailurePolicies(new FailurePolicies(policy, Map.of())));
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    ExecutorService envoys = Executors.newFixedThreadPool(4);
    AtomicBoolean running = new AtomicBoolean(true);
    Queue<String> wrong = new ConcurrentLinkedQueue<>();
    Queue<Answer> duringOutage = new ConcurrentLinkedQueue<>();
    Queue<Answer> afterRestart = new ConcurrentLinkedQueue<>();
    AtomicBoolean down = new AtomicBoolean();
    AtomicBoolean restarted = new AtomicBoolean();
    try {
      RateLimitServiceGrpc.RateLimitServiceBlockingStub stub = RateLimitServiceGrpc.newBlockingStub(channel);
      assertEquals(Answer.FROM_REDIS, ask(stub, policy, wrong), "healthy before the outage");
      List<Future<?>> load = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        load.add(envoys.submit(() -> {
          while (running.get()) {
            boolean wasDown = down.get() && !restarted.get();
            boolean wasBack = restarted.get();
            Answer answer = ask(stub, policy, wrong);
            (wasDown ? duringOutage : wasBack ? afterRestart : new ConcurrentLinkedQueue<Answer>()).add(answer);
          }
        }));
      }
      RedisNodes.sleep(300);
      redis.node().kill();
      down.set(true);
      RedisNodes.sleep(1500);
      redis.node().restart();
      restarted.set(true);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!afterRestart.contains(Answer.FROM_REDIS) && System.nanoTime() < deadline) {
        RedisNodes.sleep(50);
      }
      running.set(false);
      for (Future<?> thread : load) {
        thread.get(10, TimeUnit.SECONDS);
      }

      assertTrue(wrong.isEmpty(), "calls answered otherwise than by Redis or the policy: " + wrong);
      assertTrue(duringOutage.contains(Answer.FROM_POLICY), "the outage was seen and answered by the policy");
      assertTrue(duringOutage.stream().allMatch(a -> a == Answer.FROM_POLICY),
          "nothing came from Redis while it was down");
      assertTrue(afterRestart.contains(Answer.FROM_REDIS), "Redis answered again after its restart");
    } finally {
      running.set(false);
      envoys.shutdownNow();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.close();
      if (!restarted.get()) {
        redis.node().restart();
      }
    }
  }

  /**
   * One call with a deadline of the backend timeout plus the margin. A missed deadline, or an answer
   * the policy would not give, is recorded as wrong.
   */
  private static Answer ask(RateLimitServiceGrpc.RateLimitServiceBlockingStub stub, FailurePolicy policy,
      Queue<String> wrong) {
    RateLimitRequest request = RateLimitRequest.newBuilder()
        .setDomain("geocode")
        .addDescriptors(RateLimitDescriptor.newBuilder()
            .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("generic_key").setValue("geocode")))
        .build();
    try {
      RateLimitResponse response = stub.withDeadlineAfter(BACKEND_TIMEOUT.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS)
          .shouldRateLimit(request);
      // The budget is never spent, so Redis always says OK with tokens left; the policy leaves none.
      boolean fromRedis = response.getOverallCode() == RateLimitResponse.Code.OK
          && response.getStatuses(0).getLimitRemaining() > 0;
      if (fromRedis) {
        return Answer.FROM_REDIS;
      }
      RateLimitResponse.Code policyCode =
          policy == FailurePolicy.DENY ? RateLimitResponse.Code.OVER_LIMIT : RateLimitResponse.Code.OK;
      if (policy != FailurePolicy.UNAVAILABLE && response.getOverallCode() == policyCode) {
        return Answer.FROM_POLICY;
      }
      wrong.add(response.getOverallCode() + " remaining " + response.getStatuses(0).getLimitRemaining());
    } catch (StatusRuntimeException e) {
      if (policy == FailurePolicy.UNAVAILABLE && e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
        return Answer.FROM_POLICY;
      }
      wrong.add(e.getStatus().toString());
    }
    return Answer.WRONG;
  }
}
