package io.egressratelimit.loadgen.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** What the benchmark's calls carry, read back from their frames. */
class RequestFramesTest {
  private final SplittableRandom random = new SplittableRandom(1);

  private static RateLimitRequest read(ByteBuf frame) throws Exception {
    byte[] bytes = new byte[frame.readableBytes()];
    frame.getBytes(frame.readerIndex(), bytes);
    assertEquals(bytes.length - 5, ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8)
        | (bytes[4] & 0xff), "the length prefix");
    return RateLimitRequest.parseFrom(Arrays.copyOfRange(bytes, 5, bytes.length));
  }

  private static String describe(RateLimitRequest request) {
    List<String> parts = new ArrayList<>();
    for (RateLimitDescriptor descriptor : request.getDescriptorsList()) {
      descriptor.getEntriesList().forEach(entry -> parts.add(entry.getKey() + "=" + entry.getValue()));
    }
    return request.getDomain() + " " + String.join(" ", parts);
  }

  @Test
  void theUsersWorkloadCallsOneUserAfterAnother() throws Exception {
    RequestFrames.Source users = RequestFrames.of(Workload.USERS, "tenants");
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      seen.add(describe(read(users.next(random))));
    }
    assertEquals(List.of("tenants user=u0", "tenants user=u1", "tenants user=u2"), seen);
  }

  @Test
  void theHotUserWorkloadNamesTheGlobalBudgetAndOneUserInEachCall() throws Exception {
    RateLimitRequest request = read(RequestFrames.of(Workload.HOTUSER, "bench").next(random));
    assertEquals(2, request.getDescriptorsCount());
    assertEquals("generic_key=hot", describe(request).split(" ")[1]);
    assertEquals("user", request.getDescriptors(1).getEntries(0).getKey());
  }

  @Test
  void aWorkloadOfOneRequestSendsTheSameBytesEveryTime() throws Exception {
    RequestFrames.Source hot = RequestFrames.of(Workload.HOT, "bench");
    assertEquals(read(hot.next(random)), read(hot.next(random)));
    assertEquals("bench generic_key=hot", describe(read(hot.next(random))));
  }
}
