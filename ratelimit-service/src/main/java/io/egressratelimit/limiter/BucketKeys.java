package io.egressratelimit.limiter;

import io.egressratelimit.domain.LimitPolicy;

/** Appends a policy's identity to a bucket key (the key's own format belongs to the config). */
final class BucketKeys {
  private BucketKeys() {}

  static String withPolicy(String key, LimitPolicy policy) {
    return key + "#" + BucketSpecs.fingerprint(policy);
  }
}
