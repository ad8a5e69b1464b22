package io.egressratelimit.metrics;

import io.egressratelimit.config.ConfigException;
import io.egressratelimit.config.ConfigLoadListener;
import io.egressratelimit.config.RateLimitConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts config loads, the first one included. The gauge says whether the files on disk are the
 * config in force: a counter alone cannot tell a rejection fixed since from one still standing.
 */
public final class ConfigLoadMetrics implements ConfigLoadListener {
  private final Counter loaded;
  private final Counter rejected;
  private final Counter removalsRefused;
  private final AtomicInteger lastLoadSucceeded = new AtomicInteger();
  private final AtomicInteger rules = new AtomicInteger();
  private final UpstreamStats upstream;

  public ConfigLoadMetrics(MeterRegistry registry) {
    this(registry, new UpstreamStats());
  }

  public ConfigLoadMetrics(MeterRegistry registry, UpstreamStats upstream) {
    this.upstream = upstream;
    this.loaded = loads(registry, "success");
    this.rejected = loads(registry, "failure");
    this.removalsRefused = Meters.counter(registry, "ratelimit.config.domain.removals.refused",
        "Reloads refused because they would remove a domain that has rules (ALLOW_DOMAIN_REMOVAL); each is also "
            + "a failed load", Tags.empty());
    Gauge.builder("ratelimit.config.last.load.success", lastLoadSucceeded, AtomicInteger::get)
        .description("1 when the last config load succeeded, 0 while the files on disk are rejected")
        .register(registry);
    Gauge.builder("ratelimit.config.rules", rules, AtomicInteger::get)
        .description("Rules in the config in force")
        .register(registry);
  }

  private static Counter loads(MeterRegistry registry, String result) {
    return Meters.counter(registry, "ratelimit.config.loads",
        "Limits config loads, by result; a rejected config leaves the last good one in force",
        Tags.of("result", result));
  }

  @Override
  public void onLoaded(RateLimitConfig config) {
    loaded.increment();
    upstream.configLoaded();
    lastLoadSucceeded.set(1);
    rules.set(config.rules().size());
  }

  @Override
  public void onDomainRemovalRefused(java.util.Set<String> domains) {
    removalsRefused.increment();
  }

  @Override
  public void onRejected(ConfigException error) {
    rejected.increment();
    upstream.configRejected();
    lastLoadSucceeded.set(0);
  }
}
