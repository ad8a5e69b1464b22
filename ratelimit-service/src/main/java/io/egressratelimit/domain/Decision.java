package io.egressratelimit.domain;

import java.util.List;
import java.util.Objects;

/**
 * The answer to a {@link LimitRequest}: one status per descriptor, in request order.
 *
 * @param quotaModeViolations indices of descriptors whose quota-mode rule was exceeded
 */
public record Decision(Code overallCode, List<DescriptorStatus> statuses, List<Integer> quotaModeViolations) {
  public Decision {
    Objects.requireNonNull(overallCode, "overallCode");
    statuses = List.copyOf(statuses);
    quotaModeViolations = List.copyOf(quotaModeViolations);
  }
}
