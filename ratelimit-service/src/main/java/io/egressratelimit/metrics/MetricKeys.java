package io.egressratelimit.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the metric keys that carry the request's descriptor values. {@code detailed_metric} and
 * {@code value_to_metric} rules, and limits Envoy sends in the request, count each value under a
 * key of its own, and every key is a set of series: a million users would be a million sets, on
 * every scrape. Past {@code max} such keys, a new value counts under the same key without values
 * (the rule's own key). Keys without values are bounded by the limits config and always pass.
 */
final class MetricKeys {
  private final int max;
  private final Set<String> withValues = ConcurrentHashMap.newKeySet();

  /** @param max keys with values counted apart at most (a few more when values arrive at once) */
  MetricKeys(int max) {
    this.max = max;
  }

  /** {@code key}, or {@code withoutValues} once {@code max} other keys with values are counted. */
  String bounded(String key, String withoutValues) {
    if (key.equals(withoutValues) || withValues.contains(key)) {
      return key;
    }
    if (withValues.size() < max) {
      withValues.add(key);
      return key;
    }
    return withoutValues;
  }
}
