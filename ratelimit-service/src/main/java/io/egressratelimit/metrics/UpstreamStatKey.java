package io.egressratelimit.metrics;

import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.DescriptorStatus;
import io.egressratelimit.domain.RequestDescriptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * envoyproxy/ratelimit's stat key of a descriptor and the labels its Prometheus mapper reads from it.
 *
 * <p>A configured rule counts under its full key ({@code geocode.generic_key_geocode}), with the
 * request's values where {@code detailed_metric} or {@code value_to_metric} asks for them; the
 * config side has already built that key. A limit Envoy sends in the request counts under the
 * request's own descriptor, as upstream does.
 *
 * <p>The mapper splits the key at dots: the first part is {@code domain}, the second {@code key1},
 * the third {@code key2}, and deeper parts are dropped; a two-part key has no {@code key2}. A dot
 * inside a domain or value shifts the parts exactly as it does upstream, so existing dashboards
 * read the same series.
 */
final class UpstreamStatKey {
  private UpstreamStatKey() {}

  static String of(String domain, RequestDescriptor descriptor, DescriptorStatus status) {
    if (descriptor.limitOverride().isPresent() || status.rule().isEmpty()) {
      return domain + "." + requestKey(descriptor.entries());
    }
    return status.metricKey();
  }

  /** The same key without the request's values: the rule's own key, or the request's entry keys alone. */
  static String withoutValues(String domain, RequestDescriptor descriptor, DescriptorStatus status) {
    if (descriptor.limitOverride().isPresent() || status.rule().isEmpty()) {
      StringBuilder key = new StringBuilder(domain);
      descriptor.entries().forEach(entry -> key.append('.').append(entry.key()));
      return key.toString();
    }
    return status.rule().get().fullKey();
  }

  /** {@code key_value} per entry ({@code key} alone for an empty value), joined by dots. */
  static String requestKey(List<DescriptorEntry> entries) {
    StringBuilder key = new StringBuilder();
    for (DescriptorEntry entry : entries) {
      if (key.length() > 0) {
        key.append('.');
      }
      key.append(entry.key());
      if (!entry.value().isEmpty()) {
        key.append('_').append(entry.value());
      }
    }
    return key.toString();
  }

  static Map<String, String> labels(String statKey) {
    String[] parts = statKey.split("\\.", -1);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("domain", parts[0]);
    labels.put("key1", parts.length > 1 ? parts[1] : "");
    if (parts.length > 2) {
      labels.put("key2", parts[2]);
    }
    return labels;
  }
}
