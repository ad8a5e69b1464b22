package io.egressratelimit.xds;

import com.google.protobuf.Message;
import io.egressratelimit.config.ConfigException;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitConfig;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitPolicy;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitReplace;
import io.envoyproxy.ratelimit.config.ratelimit.v3.RateLimitUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns one {@code RateLimitConfig} resource into the document a limits YAML file would hold, key
 * for key, so that the config loader checks it exactly as it checks a file. Proto3 cannot tell an
 * unset field from its default, so defaults are left out as a file would leave them out; a field
 * this service does not know (a newer upstream one) is refused rather than dropped.
 */
final class ResourceDocument {
  private final String name;

  private ResourceDocument(String name) {
    this.name = name;
  }

  /**
   * @param name how errors name the resource
   */
  static Map<String, Object> of(String name, RateLimitConfig resource) throws ConfigException {
    return new ResourceDocument(name).config(resource);
  }

  private Map<String, Object> config(RateLimitConfig resource) throws ConfigException {
    refuseUnknownFields(resource, "");
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("domain", resource.getDomain());
    if (resource.getDescriptorsCount() > 0) {
      document.put("descriptors", descriptors(resource.getDescriptorsList(), "descriptors"));
    }
    return document;
  }

  private List<Object> descriptors(List<RateLimitDescriptor> descriptors, String path) throws ConfigException {
    List<Object> list = new ArrayList<>();
    for (RateLimitDescriptor descriptor : descriptors) {
      list.add(descriptor(descriptor, path + "[" + list.size() + "]"));
    }
    return list;
  }

  private Map<String, Object> descriptor(RateLimitDescriptor descriptor, String path) throws ConfigException {
    refuseUnknownFields(descriptor, path);
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("key", descriptor.getKey());
    if (!descriptor.getValue().isEmpty()) {
      map.put("value", descriptor.getValue());
    }
    if (descriptor.hasRateLimit()) {
      map.put("rate_limit", rateLimit(descriptor.getRateLimit(), path + ".rate_limit"));
    }
    if (descriptor.getDescriptorsCount() > 0) {
      map.put("descriptors", descriptors(descriptor.getDescriptorsList(), path + ".descriptors"));
    }
    putFlag(map, "shadow_mode", descriptor.getShadowMode());
    putFlag(map, "detailed_metric", descriptor.getDetailedMetric());
    putFlag(map, "quota_mode", descriptor.getQuotaMode());
    return map;
  }

  private Map<String, Object> rateLimit(RateLimitPolicy policy, String path) throws ConfigException {
    refuseUnknownFields(policy, path);
    Map<String, Object> map = new LinkedHashMap<>();
    putFlag(map, "unlimited", policy.getUnlimited());
    if (policy.getUnit() == RateLimitUnit.UNRECOGNIZED) {
      throw error(path + ".unit", "unknown unit number " + policy.getUnitValue() + "; expected one of "
          + knownUnits());
    }
    // Unlimited takes neither; they are passed on when set so the loader refuses them as in a file.
    if (policy.getUnit() != RateLimitUnit.UNKNOWN) {
      map.put("unit", policy.getUnit().name().toLowerCase(Locale.ROOT));
    }
    if (!policy.getUnlimited() || policy.getRequestsPerUnit() != 0) {
      map.put("requests_per_unit", Integer.toUnsignedLong(policy.getRequestsPerUnit()));
    }
    if (!policy.getName().isEmpty()) {
      map.put("name", policy.getName());
    }
    if (policy.getReplacesCount() > 0) {
      List<Object> replaces = new ArrayList<>();
      for (RateLimitReplace replace : policy.getReplacesList()) {
        refuseUnknownFields(replace, path + ".replaces[" + replaces.size() + "]");
        replaces.add(Map.of("name", replace.getName()));
      }
      map.put("replaces", replaces);
    }
    return map;
  }

  private static void putFlag(Map<String, Object> map, String key, boolean value) {
    if (value) {
      map.put(key, true);
    }
  }

  private void refuseUnknownFields(Message message, String path) throws ConfigException {
    if (!message.getUnknownFields().asMap().isEmpty()) {
      String numbers = message.getUnknownFields().asMap().keySet().stream().map(String::valueOf)
          .collect(Collectors.joining(", "));
      throw error(path, "field number(s) " + numbers + " of " + message.getDescriptorForType().getName()
          + " are not known to this service; it cannot apply a config it only partly understands");
    }
  }

  private static String knownUnits() {
    List<String> units = new ArrayList<>();
    for (RateLimitUnit unit : RateLimitUnit.values()) {
      if (unit != RateLimitUnit.UNKNOWN && unit != RateLimitUnit.UNRECOGNIZED) {
        units.add(unit.name());
      }
    }
    return String.join(", ", units);
  }

  private ConfigException error(String path, String reason) {
    return new ConfigException(name + ": " + (path.isEmpty() ? "(document)" : path) + ": " + reason);
  }
}
