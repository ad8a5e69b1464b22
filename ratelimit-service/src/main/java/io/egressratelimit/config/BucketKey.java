package io.egressratelimit.config;

import io.egressratelimit.domain.DescriptorEntry;
import java.util.List;

/**
 * Writes bucket keys: {@code domain|key=value|key=value}. A backslash escapes {@code \}, {@code |}
 * and {@code =} inside the parts, so two different descriptors can never share a key by accident;
 * it escapes {@code #} too, which the engine uses to append the policy to a key.
 */
public final class BucketKey {
  private final StringBuilder key = new StringBuilder();

  BucketKey(String domain) {
    escape(domain);
  }

  /** The key of a descriptor taken as it is, e.g. one that carries its own limit override. */
  public static String of(String domain, List<DescriptorEntry> entries) {
    BucketKey key = new BucketKey(domain);
    entries.forEach(entry -> key.entry(entry.key(), entry.value()));
    return key.toString();
  }

  BucketKey entry(String entryKey, String value) {
    key.append('|');
    escape(entryKey);
    key.append('=');
    escape(value);
    return this;
  }

  private void escape(String part) {
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c == '\\' || c == '|' || c == '=' || c == '#') {
        key.append('\\');
      }
      key.append(c);
    }
  }

  @Override
  public String toString() {
    return key.toString();
  }
}
