package io.egressratelimit.rls;

import com.google.protobuf.UnknownFieldSet;
import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.LimitOverride;
import io.egressratelimit.domain.LimitRequest;
import io.egressratelimit.domain.RateUnit;
import io.egressratelimit.domain.RequestDescriptor;
import io.egressratelimit.limiter.InvalidRequestException;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Envoy's RateLimitRequest → the engine's plain request. */
final class RequestTranslator {
  /** RateLimitDescriptor.is_negative_hits in Envoy's rls.proto (1.38+). */
  static final int IS_NEGATIVE_HITS_FIELD = 4;

  private RequestTranslator() {}

  static LimitRequest toDomain(RateLimitRequest request) {
    List<RequestDescriptor> descriptors = new ArrayList<>(request.getDescriptorsCount());
    for (int i = 0; i < request.getDescriptorsCount(); i++) {
      descriptors.add(toDomain(i, request.getDescriptors(i)));
    }
    return new LimitRequest(request.getDomain(), descriptors, Integer.toUnsignedLong(request.getHitsAddend()));
  }

  private static RequestDescriptor toDomain(int index, RateLimitDescriptor descriptor) {
    List<DescriptorEntry> entries = new ArrayList<>(descriptor.getEntriesCount());
    for (RateLimitDescriptor.Entry entry : descriptor.getEntriesList()) {
      entries.add(new DescriptorEntry(entry.getKey(), entry.getValue()));
    }
    Optional<LimitOverride> override = Optional.empty();
    if (descriptor.hasLimit()) {
      override = Optional.of(new LimitOverride(
          Integer.toUnsignedLong(descriptor.getLimit().getRequestsPerUnit()),
          unitOf(index, descriptor.getLimit().getUnit())));
    }
    OptionalLong hits = OptionalLong.empty();
    if (descriptor.hasHitsAddend()) {
      long value = descriptor.getHitsAddend().getValue();
      if (value < 0) {
        // A uint64 of 2^63 or more: no budget has that many tokens, and Java's long cannot hold it.
        throw new InvalidRequestException("descriptors[" + index + "].hits_addend is too large: "
            + Long.toUnsignedString(value) + " (at most " + Long.MAX_VALUE + ")");
      }
      hits = OptionalLong.of(value);
    }
    return new RequestDescriptor(entries, override, hits, isNegativeHits(descriptor));
  }

  /**
   * Envoy 1.38+ sends {@code is_negative_hits} (field 4, a bool) for a refund. The api jar's
   * RateLimitDescriptor predates it, so protobuf keeps it among the unknown fields; read there, a
   * refund is given back instead of charged as a hit. Proto3 keeps the last value of a repeated scalar.
   */
  static boolean isNegativeHits(RateLimitDescriptor descriptor) {
    UnknownFieldSet.Field field = descriptor.getUnknownFields().getField(IS_NEGATIVE_HITS_FIELD);
    List<Long> values = field.getVarintList();
    return !values.isEmpty() && values.get(values.size() - 1) != 0;
  }

  private static RateUnit unitOf(int index, io.envoyproxy.envoy.type.v3.RateLimitUnit unit) {
    return switch (unit) {
      case SECOND -> RateUnit.SECOND;
      case MINUTE -> RateUnit.MINUTE;
      case HOUR -> RateUnit.HOUR;
      case DAY -> RateUnit.DAY;
      case MONTH -> RateUnit.MONTH;
      case YEAR -> RateUnit.YEAR;
      default -> throw new InvalidRequestException(
          "descriptors[" + index + "].limit.unit must be a known unit, got " + unit);
    };
  }
}
