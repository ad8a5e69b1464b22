package io.egressratelimit.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.statsd.StatsdConfig;
import io.micrometer.statsd.StatsdFlavor;
import io.micrometer.statsd.StatsdMeterRegistry;
import io.micrometer.statsd.StatsdProtocol;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends envoyproxy/ratelimit's stats to a statsd or DogStatsD agent over UDP, through
 * Micrometer's statsd registry: every counter, each flush interval, as its change since the last
 * ({@code name:delta|c}), and every gRPC call's response time as it happens ({@code name:ms|ms}),
 * as upstream's sinks do.
 */
public final class StatsdSink implements AutoCloseable {
  private final StatsdSettings settings;
  private final StatsdMeterRegistry registry;
  private final Map<String, UpstreamStatsdLines> lines = new ConcurrentHashMap<>();
  private final Map<String, Timer> responseTimes = new ConcurrentHashMap<>();

  private StatsdSink(StatsdSettings settings) {
    this.settings = settings;
    this.registry = StatsdMeterRegistry.builder(config(settings))
        .lineBuilder(id -> lines.get(key(id)))
        .build();
  }

  /** Starts sending; counters created later are picked up as they appear. */
  public static StatsdSink start(StatsdSettings settings, UpstreamStats stats) {
    StatsdSink sink = new StatsdSink(settings);
    stats.watch(sink::counter);
    stats.watchCallTimes(sink::responseTime);
    return sink;
  }

  private static StatsdConfig config(StatsdSettings settings) {
    return new StatsdConfig() {
      @Override
      public String get(String key) {
        return null;
      }

      @Override
      public StatsdFlavor flavor() {
        return settings.dogStatsd() ? StatsdFlavor.DATADOG : StatsdFlavor.ETSY;
      }

      @Override
      public String host() {
        return settings.host();
      }

      @Override
      public int port() {
        return settings.port();
      }

      @Override
      public StatsdProtocol protocol() {
        return StatsdProtocol.UDP;
      }

      @Override
      public Duration pollingFrequency() {
        return settings.flushInterval();
      }

      @Override
      public Duration step() {
        return settings.flushInterval();
      }
    };
  }

  private void counter(UpstreamStat stat) {
    Meter.Id id = register(stat.statsdName());
    FunctionCounter.builder(id.getName(), stat.count(), LongAdder::sum).tags(id.getTags()).register(registry);
  }

  private void responseTime(String method, long elapsedNanos) {
    Timer timer = responseTimes.get(method);
    if (timer == null) {
      timer = responseTimes.computeIfAbsent(method, m -> {
        Meter.Id id = register("ratelimit_server." + m + ".response_time");
        return Timer.builder(id.getName()).tags(id.getTags()).register(registry);
      });
    }
    timer.record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  /** The stat's name and tags after the extra tags and the first matching mogrifier, with its line writer. */
  private Meter.Id register(String statName) {
    String name = statName;
    Map<String, String> tags = new LinkedHashMap<>(settings.extraTags());
    if (settings.dogStatsd()) {
      for (DogStatsdMogrifier mogrifier : settings.mogrifiers()) {
        var renamed = mogrifier.apply(statName);
        if (renamed.isPresent()) {
          name = renamed.get().name();
          tags.putAll(renamed.get().tags());
          break;
        }
      }
    }
    Tags micrometerTags = Tags.empty();
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      micrometerTags = micrometerTags.and(tag.getKey(), tag.getValue());
    }
    Meter.Id id = new Meter.Id(name, micrometerTags, null, null, Meter.Type.OTHER);
    lines.putIfAbsent(key(id), new UpstreamStatsdLines(name, tags, settings.dogStatsd()));
    return id;
  }

  private static String key(Meter.Id id) {
    return id.getName() + id.getTags();
  }

  @Override
  public void close() {
    registry.close();
  }
}
