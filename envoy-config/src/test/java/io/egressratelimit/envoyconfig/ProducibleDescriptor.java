package io.egressratelimit.envoyconfig;

import io.egressratelimit.domain.DescriptorEntry;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A descriptor Envoy can send to the rate limit service.
 *
 * @param origin the file and the {@code rate_limits} entry that produces it
 * @param domain the domain of the ratelimit filter that sends it
 * @param entries the entries, with a sample value where the real one comes from the request
 */
record ProducibleDescriptor(String origin, String domain, List<DescriptorEntry> entries) {
  ProducibleDescriptor {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(domain, "domain");
    entries = List.copyOf(entries);
  }

  /** The descriptor as the README and error messages write it: [generic_key=geocode, caller=x]. */
  String describe() {
    return entries.stream().map(DescriptorEntry::toString).collect(Collectors.joining(", ", "[", "]"));
  }
}
