package io.egressratelimit.loadgen.bench;

import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Which descriptors the benchmark's calls carry; each has a rule in scripts/bench/limits.yaml. */
public enum Workload {
  /** One global budget: every call on the same bucket, the case the design must win. */
  HOT,
  /** 10,000 per-user buckets, a random one per call. */
  KEYS10K,
  /** A budget of one call an hour: after the first, every answer is OVER_LIMIT. */
  OVER;

  /** The name as typed and as written in the result: {@code hot}, {@code keys10k}, {@code over}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** One entry per request the workload picks from. */
  List<RateLimitDescriptor.Entry> entries() {
    List<RateLimitDescriptor.Entry> entries = new ArrayList<>();
    switch (this) {
      case KEYS10K -> {
        for (int i = 0; i < 10_000; i++) {
          entries.add(entry("user", "u" + i));
        }
      }
      case OVER -> entries.add(entry("generic_key", "over"));
      default -> entries.add(entry("generic_key", "hot"));
    }
    return entries;
  }

  static RateLimitDescriptor.Entry entry(String key, String value) {
    return RateLimitDescriptor.Entry.newBuilder().setKey(key).setValue(value).build();
  }
}
