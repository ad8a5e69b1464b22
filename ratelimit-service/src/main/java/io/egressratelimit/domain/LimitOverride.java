package io.egressratelimit.domain;

import java.util.Objects;

/** A per-descriptor limit that Envoy sends in the request, which replaces the configured one. */
public record LimitOverride(long requestsPerUnit, RateUnit unit) {
  public LimitOverride {
    Objects.requireNonNull(unit, "unit");
  }
}
