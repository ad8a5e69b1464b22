package io.egressratelimit.rls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UInt64Value;
import com.google.protobuf.UnknownFieldSet;
import io.egressratelimit.domain.RequestDescriptor;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What the service reads from the wire, including the field newer than the api jar. */
class RequestTranslatorTest {

  /** A request as Envoy 1.38+ encodes it, field 4 of the descriptor included, parsed by our older classes. */
  private static RequestDescriptor fromWire(long isNegativeHits) throws Exception {
    RateLimitDescriptor.Builder descriptor = RateLimitDescriptor.newBuilder()
        .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("generic_key").setValue("tokens"))
        .setHitsAddend(UInt64Value.of(7));
    if (isNegativeHits >= 0) {
      descriptor.setUnknownFields(UnknownFieldSet.newBuilder()
          .addField(RequestTranslator.IS_NEGATIVE_HITS_FIELD, UnknownFieldSet.Field.newBuilder().addVarint(isNegativeHits).build())
          .build());
    }
    byte[] wire = RateLimitRequest.newBuilder().setDomain("usage").addDescriptors(descriptor).build().toByteArray();
    return RequestTranslator.toDomain(RateLimitRequest.parseFrom(wire)).descriptors().get(0);
  }

  @Test
  void isNegativeHitsMakesTheDescriptorARefund() throws Exception {
    RequestDescriptor refund = fromWire(1);
    assertTrue(refund.refund(), "is_negative_hits: true is a refund, never a charge");
    assertEquals(OptionalLong.of(7), refund.hitsAddend());
  }

  @Test
  void withoutItOrFalseTheHitsAreTaken() throws Exception {
    assertFalse(fromWire(-1).refund());
    assertFalse(fromWire(0).refund());
  }
}
