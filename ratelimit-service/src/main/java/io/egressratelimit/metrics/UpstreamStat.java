package io.egressratelimit.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One counter of envoyproxy/ratelimit's, under both of its names: the statsd name its stats
 * library flushes, and the Prometheus series its default statsd-exporter mapping turns that into.
 *
 * @param statsdName e.g. {@code ratelimit.service.rate_limit.geocode.generic_key_geocode.total_hits}
 * @param prometheusName e.g. {@code ratelimit_service_rate_limit_total_hits}; upstream's counters
 *     carry no {@code _total} suffix, and dashboards query them so
 * @param labels the Prometheus labels, in the order the mapper writes them
 */
record UpstreamStat(String statsdName, String prometheusName, Map<String, String> labels, LongAdder count) {
  UpstreamStat(String statsdName, String prometheusName, Map<String, String> labels) {
    this(statsdName, prometheusName, Collections.unmodifiableMap(new LinkedHashMap<>(labels)), new LongAdder());
  }

  void add(long amount) {
    if (amount != 0) {
      count.add(amount);
    }
  }
}
