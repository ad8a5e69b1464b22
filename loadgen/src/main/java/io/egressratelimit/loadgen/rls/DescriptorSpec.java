package io.egressratelimit.loadgen.rls;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;

/** Parses {@code generic_key=geocode,caller=batch} into one descriptor of ordered entries. */
public final class DescriptorSpec {
  private DescriptorSpec() {}

  /**
   * @throws IllegalArgumentException naming the text when an entry is not {@code key=value}
   */
  public static RateLimitDescriptor parse(String text) {
    RateLimitDescriptor.Builder descriptor = RateLimitDescriptor.newBuilder();
    for (String entry : (text == null ? "" : text).split(",", -1)) {
      int eq = entry.indexOf('=');
      String key = eq < 0 ? entry.trim() : entry.substring(0, eq).trim();
      if (eq < 0 || key.isEmpty()) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a descriptor: use key=value entries separated by commas, e.g. generic_key=geocode");
      }
      descriptor.addEntries(
          RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(entry.substring(eq + 1).trim()));
    }
    return descriptor.build();
  }
}
