package io.egressratelimit.limiter;

import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.LimitPolicy;
import java.util.List;

/** Builds the store-independent identity of a bucket. */
final class BucketKeys {
  private BucketKeys() {}

  /** The key for a descriptor that no configured rule names, e.g. one carrying a limit override. */
  static String forEntries(String domain, List<DescriptorEntry> entries) {
    StringBuilder key = new StringBuilder(escape(domain));
    for (DescriptorEntry entry : entries) {
      key.append('|').append(escape(entry.key())).append('=').append(escape(entry.value()));
    }
    return key.toString();
  }

  static String withPolicy(String key, LimitPolicy policy) {
    return key + "#" + BucketSpecs.fingerprint(policy);
  }

  private static String escape(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' || c == '|' || c == '=' || c == '#') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
