package io.egressratelimit.xds;

import com.google.protobuf.Any;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitConfig;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitPolicy;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitUnit;

/** RateLimitConfig resources as a management server sends them. */
final class XdsResources {
  static final String TYPE_URL = "type.googleapis.com/ratelimit.config.ratelimit.v3.RateLimitConfig";

  private XdsResources() {}

  /** One domain with one limited descriptor {@code key=value}. */
  static RateLimitConfig limit(String name, String domain, String key, String value, RateLimitUnit unit,
      int requestsPerUnit) {
    return RateLimitConfig.newBuilder().setName(name).setDomain(domain)
        .addDescriptors(RateLimitDescriptor.newBuilder().setKey(key).setValue(value)
            .setRateLimit(RateLimitPolicy.newBuilder().setUnit(unit).setRequestsPerUnit(requestsPerUnit)))
        .build();
  }

  static Any any(RateLimitConfig config) {
    return Any.pack(config, "type.googleapis.com");
  }
}
