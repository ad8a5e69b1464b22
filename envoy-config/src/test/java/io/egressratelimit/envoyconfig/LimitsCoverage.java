package io.egressratelimit.envoyconfig;

import io.egressratelimit.config.RateLimitConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Every descriptor Envoy can send meets a rule, by the service's own matching. The service admits
 * a descriptor without a rule, so a typo on either side (a generic_key value, a descriptor key, a
 * domain) would otherwise leave the calls it covers without any limit.
 */
final class LimitsCoverage {
  private LimitsCoverage() {}

  /** @param limitsLabel how messages name the limits config, e.g. {@code limits/} */
  static void check(List<ProducibleDescriptor> descriptors, RateLimitConfig limits, String limitsLabel)
      throws EnvoyConfigException {
    List<String> uncovered = new ArrayList<>();
    for (ProducibleDescriptor descriptor : descriptors) {
      if (!limits.domains().contains(descriptor.domain())) {
        uncovered.add(descriptor.origin() + " sends domain '" + descriptor.domain() + "', which "
            + limitsLabel + " does not define; its domains: " + limits.domains());
      } else if (limits.match(descriptor.domain(), descriptor.entries()).isEmpty()) {
        uncovered.add(descriptor.origin() + " sends " + descriptor.describe() + " in domain '"
            + descriptor.domain() + "', which no rule in " + limitsLabel + " matches");
      }
    }
    if (!uncovered.isEmpty()) {
      throw new EnvoyConfigException(String.join("\n", uncovered));
    }
  }
}
