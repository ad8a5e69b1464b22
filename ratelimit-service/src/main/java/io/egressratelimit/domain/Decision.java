package io.egressratelimit.domain;

import java.util.List;
import java.util.Objects;

/** The answer to a {@link LimitRequest}: one status per descriptor, in request order. */
public record Decision(Code overallCode, List<DescriptorStatus> statuses) {
  public Decision {
    Objects.requireNonNull(overallCode, "overallCode");
    statuses = List.copyOf(statuses);
  }
}
