package io.egressratelimit.domain;

import java.util.Objects;

/** One key/value pair of a rate limit descriptor, as Envoy sends it. The value may be empty. */
public record DescriptorEntry(String key, String value) {
  public DescriptorEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return value.isEmpty() ? key : key + "=" + value;
  }
}
