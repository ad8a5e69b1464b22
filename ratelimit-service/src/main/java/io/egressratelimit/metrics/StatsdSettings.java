package io.egressratelimit.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where envoyproxy/ratelimit's stats are sent as statsd lines, and in which dialect.
 *
 * @param host the statsd agent's host
 * @param port its UDP port
 * @param dogStatsd DogStatsD lines, with tags after {@code |#}; plain statsd puts tags in the name
 * @param extraTags tags on every stat ({@code EXTRA_TAGS})
 * @param flushInterval how often counters send what changed since the last flush
 * @param mogrifiers DogStatsD renamings, the first matching one applies
 */
public record StatsdSettings(String host, int port, boolean dogStatsd, Map<String, String> extraTags,
    Duration flushInterval, List<DogStatsdMogrifier> mogrifiers) {
  public StatsdSettings {
    Objects.requireNonNull(host, "host");
    extraTags = Map.copyOf(extraTags);
    Objects.requireNonNull(flushInterval, "flushInterval");
    mogrifiers = List.copyOf(mogrifiers);
  }
}
