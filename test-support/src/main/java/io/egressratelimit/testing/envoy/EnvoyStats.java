package io.egressratelimit.testing.envoy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Envoy's counters and gauges at one moment, by their full name (e.g. {@code cluster.geocode_upstream.ratelimit.ok}). */
public final class EnvoyStats {
  /** One {@code {"name":"...","value":N}} entry of {@code /stats?format=json}; histograms have another shape. */
  private static final Pattern ENTRY = Pattern.compile("\\{\"name\":\"([^\"]+)\",\"value\":(-?\\d+)}");

  private final Map<String, Long> values;

  private EnvoyStats(Map<String, Long> values) {
    this.values = values;
  }

  static EnvoyStats parse(String json) {
    Map<String, Long> values = new LinkedHashMap<>();
    Matcher entry = ENTRY.matcher(json);
    while (entry.find()) {
      values.put(entry.group(1), Long.parseLong(entry.group(2)));
    }
    if (values.isEmpty()) {
      throw new IllegalStateException("no stats in Envoy's answer: " + json.substring(0, Math.min(200, json.length())));
    }
    return new EnvoyStats(values);
  }

  /** The value, or 0 for a stat Envoy has not created (it creates many on first use). */
  public long get(String name) {
    return values.getOrDefault(name, 0L);
  }

  /** Every stat whose name starts with the prefix, for a report: {@code name=value, ...}. */
  public String withPrefix(String prefix) {
    return values.entrySet().stream()
        .filter(stat -> stat.getKey().startsWith(prefix))
        .map(stat -> stat.getKey().substring(prefix.length()) + "=" + stat.getValue())
        .collect(Collectors.joining(", "));
  }
}
