package io.egressratelimit.domain;

import java.util.List;
import java.util.Objects;

/**
 * A rate limit request: Envoy's {@code RateLimitRequest} without the wire types.
 *
 * @param hitsAddend the request-level addend; Envoy sends 0 to mean 1
 */
public record LimitRequest(String domain, List<RequestDescriptor> descriptors, long hitsAddend) {
  public LimitRequest {
    Objects.requireNonNull(domain, "domain");
    descriptors = List.copyOf(descriptors);
  }

  /** The number of hits each descriptor consumes unless it carries its own addend. */
  public long effectiveHits() {
    return hitsAddend == 0 ? 1 : hitsAddend;
  }
}
