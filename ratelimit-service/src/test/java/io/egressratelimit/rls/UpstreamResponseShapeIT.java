package io.egressratelimit.rls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt64Value;
import com.google.protobuf.util.JsonFormat;
import io.egressratelimit.server.RateLimitServer;
import io.egressratelimit.settings.ConfigSemantics;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.testing.RlsTestClient;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.envoyproxy.envoy.type.v3.RateLimitUnit;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What envoyproxy/ratelimit's clients read from an answer, over a real socket: 4294967295 for an
 * unlimited descriptor, and with RESPONSE_DYNAMIC_METADATA the domain, the descriptors, hitsAddend
 * and the merged Struct metadata of the descriptors that passed.
 */
class UpstreamResponseShapeIT {
  private RateLimitServer server;
  private ManagedChannel channel;

  private RateLimitServiceGrpc.RateLimitServiceBlockingStub start(boolean dynamicMetadata) throws Exception {
    Path config = Path.of(UpstreamResponseShapeIT.class.getResource("/config/valid/compat.yaml").toURI());
    ServerSettings settings = ServerSettings.inMemory(config, 0, 0).toBuilder()
        .configSemantics(new ConfigSemantics(dynamicMetadata, false)).build();
    server = RateLimitServer.start(settings);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    return RateLimitServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  private static Struct json(String json) throws InvalidProtocolBufferException {
    Struct.Builder struct = Struct.newBuilder();
    JsonFormat.parser().merge(json, struct);
    return struct.build();
  }

  @Test
  void theMetadataOfThePassedDescriptorsComesBackMergedAsAStruct() throws Exception {
    var rateLimit = start(true);
    RateLimitRequest both = RlsTestClient.request("compat", RlsTestClient.descriptor("backend", "pool-a"),
        RlsTestClient.descriptor("backend", "pool-b"));

    RateLimitResponse first = rateLimit.shouldRateLimit(both);
    assertEquals(RateLimitResponse.Code.OK, first.getOverallCode());
    assertEquals(json("""
        {"domain": "compat",
         "descriptors": [{"entries": ["backend=pool-a"]}, {"entries": ["backend=pool-b"]}],
         "metadata": {"route": {"cluster": "pool-a", "weight": 0.75, "zone": "eu-1"},
                      "tags": ["gold", "eu"], "canary": false, "note": null}}"""), first.getDynamicMetadata(),
        "the first value of a key wins, maps merge");

    RateLimitResponse failedOver = rateLimit.shouldRateLimit(both);
    assertEquals(RateLimitResponse.Code.OK, failedOver.getOverallCode());
    assertEquals(RateLimitResponse.Code.OVER_LIMIT, failedOver.getStatuses(0).getCode());
    assertEquals(json("""
        {"domain": "compat",
         "descriptors": [{"entries": ["backend=pool-a"]}, {"entries": ["backend=pool-b"]}],
         "metadata": {"route": {"cluster": "pool-b", "zone": "eu-1"}, "tags": ["silver"]}}"""),
        failedOver.getDynamicMetadata(), "only pool-b passed, so only its metadata routes");

    RateLimitResponse exhausted = rateLimit.shouldRateLimit(both);
    assertEquals(RateLimitResponse.Code.OVER_LIMIT, exhausted.getOverallCode());
    assertFalse(exhausted.getDynamicMetadata().containsFields("metadata"), "nothing passed");
  }

  @Test
  void hitsAddendAndOverridesAreEchoedAsUpstreamEchoesThem() throws Exception {
    var rateLimit = start(true);
    RateLimitDescriptor overridden = RlsTestClient.descriptor("path", "/x").toBuilder()
        .setLimit(RateLimitDescriptor.RateLimitOverride.newBuilder().setRequestsPerUnit(7).setUnit(RateLimitUnit.HOUR))
        .setHitsAddend(UInt64Value.of(2))
        .build();
    RateLimitRequest request = RlsTestClient.request("compat", overridden, RlsTestClient.descriptor("health", ""))
        .toBuilder().setHitsAddend(3).build();

    RateLimitResponse answer = rateLimit.shouldRateLimit(request);

    assertEquals(json("""
        {"domain": "compat", "hitsAddend": 3,
         "descriptors": [{"entries": ["path=/x"], "limit": "requests_per_unit: 7 unit: HOUR", "hitsAddend": 2},
                         {"entries": ["health="]}]}"""), answer.getDynamicMetadata(),
        "an unlimited descriptor is not 'passed', so its metadata stays out");
    assertEquals(4294967295L, Integer.toUnsignedLong(answer.getStatuses(1).getLimitRemaining()));
    assertEquals(RateLimitResponse.Code.OK, answer.getStatuses(1).getCode());
    assertFalse(answer.getStatuses(1).hasCurrentLimit());
  }

  @Test
  void withoutTheSettingThereIsNoDynamicMetadataAndUnlimitedStillSaysSo() throws Exception {
    var rateLimit = start(false);
    RateLimitResponse answer = rateLimit.shouldRateLimit(RlsTestClient.request("compat",
        RlsTestClient.descriptor("backend", "pool-a"), RlsTestClient.descriptor("health", "")));
    assertFalse(answer.hasDynamicMetadata());
    assertEquals(List.of(0L, 4294967295L), answer.getStatusesList().stream()
        .map(status -> Integer.toUnsignedLong(status.getLimitRemaining())).toList());
  }
}
