package io.egressratelimit.rls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MalformedRequestsTest {
  /** A request whose second descriptor's first entry has a value that is not UTF-8. */
  private static ByteString requestWithBadValue() {
    byte[] bytes = RateLimitRequest.newBuilder().setDomain("geocode")
        .addDescriptors(RateLimitDescriptor.newBuilder().addEntries(entry("generic_key", "geocode")))
        .addDescriptors(RateLimitDescriptor.newBuilder().addEntries(entry("caller", "\u0001\u0002"))
            .addEntries(entry("b", "c")))
        .build().toByteArray();
    // Protobuf refuses to build such a string, so its two bytes are swapped in on the wire.
    for (int i = 0; i + 3 < bytes.length; i++) {
      if (bytes[i] == 0x12 && bytes[i + 1] == 2 && bytes[i + 2] == 1 && bytes[i + 3] == 2) {
        bytes[i + 2] = (byte) 0xff;
        bytes[i + 3] = (byte) 0xfe;
      }
    }
    return ByteString.copyFrom(bytes);
  }

  private static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }

  @Test
  void namesTheStringFieldWhoseBytesAreNotUtf8ByItsPath() throws Exception {
    assertEquals(Optional.of("descriptors[1].entries[0].value"),
        MalformedRequests.invalidString(RateLimitRequest.getDescriptor(), requestWithBadValue()));
    assertEquals(Optional.of("domain"), MalformedRequests.invalidString(RateLimitRequest.getDescriptor(),
        ByteString.copyFrom(new byte[] {0x0a, 0x02, (byte) 0xc3, 0x28})));
    assertEquals(Optional.empty(), MalformedRequests.invalidString(RateLimitRequest.getDescriptor(),
        RateLimitRequest.newBuilder().setDomain("ü").build().toByteString()));
  }

  @Test
  void theLenientParserMarksWhatItCannotReadAndReadsTheRestAsBefore() {
    @SuppressWarnings("unchecked")
    MethodDescriptor<RateLimitRequest, ?> method = (MethodDescriptor<RateLimitRequest, ?>) MalformedRequests
        .parsedLeniently(new RateLimitServiceGrpc.RateLimitServiceImplBase() {}.bindService())
        .getMethod(RateLimitServiceGrpc.getShouldRateLimitMethod().getFullMethodName()).getMethodDescriptor();

    RateLimitRequest marked = method.parseRequest(requestWithBadValue().newInput());
    assertEquals(Optional.of("descriptors[1].entries[0].value is not valid UTF-8; every string of a "
        + "RateLimitRequest must be"), MalformedRequests.problem(marked));

    RateLimitRequest truncated = method.parseRequest(new ByteArrayInputStream(new byte[] {0x0a, 0x05, 'g'}));
    assertTrue(MalformedRequests.problem(truncated).orElseThrow().startsWith(
        "the request is not a valid envoy.service.ratelimit.v3.RateLimitRequest: "), truncated.toString());

    RateLimitRequest valid = RateLimitRequest.newBuilder().setDomain("geocode").build();
    assertEquals(valid, method.parseRequest(valid.toByteString().newInput()));
    assertEquals(Optional.empty(), MalformedRequests.problem(valid));
  }
}
