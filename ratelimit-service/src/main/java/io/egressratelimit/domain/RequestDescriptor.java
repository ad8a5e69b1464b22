package io.egressratelimit.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One descriptor of a request.
 *
 * @param entries the ordered key/value path
 * @param limitOverride a limit sent by Envoy that replaces the configured one
 * @param hitsAddend a per-descriptor hits addend; when present it overrides the request's, and 0
 *     means "check without consuming"
 * @param refund Envoy's {@code is_negative_hits}: the hits are given back to the bucket (never past
 *     its capacity) instead of taken
 */
public record RequestDescriptor(
    List<DescriptorEntry> entries, Optional<LimitOverride> limitOverride, OptionalLong hitsAddend, boolean refund) {

  /** A descriptor that takes its hits. */
  public RequestDescriptor(List<DescriptorEntry> entries, Optional<LimitOverride> limitOverride, OptionalLong hitsAddend) {
    this(entries, limitOverride, hitsAddend, false);
  }

  public RequestDescriptor {
    entries = List.copyOf(entries);
    Objects.requireNonNull(limitOverride, "limitOverride");
    Objects.requireNonNull(hitsAddend, "hitsAddend");
  }

  public static RequestDescriptor of(DescriptorEntry... entries) {
    return new RequestDescriptor(List.of(entries), Optional.empty(), OptionalLong.empty());
  }

  @Override
  public String toString() {
    return entries.toString();
  }
}
