package io.egressratelimit.metrics;

import io.egressratelimit.limiter.CircuitBreakingStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The Prometheus registry of the process, with the JVM's own metrics bound to it, and the
 * counters under envoyproxy/ratelimit's names, which the registry cannot write: its counters
 * always end in {@code _total}, upstream's never do.
 */
public final class ServiceMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final UpstreamStats upstream = new UpstreamStats();

  public ServiceMetrics() {
    this(true);
  }

  private ServiceMetrics(boolean jvmMetrics) {
    if (!jvmMetrics) {
      return;
    }
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
  }

  /**
   * A registry and counters of the same kinds, without the JVM's metrics, that nothing scrapes:
   * where a replica's warm-up is counted, by the code that counts real calls.
   */
  public static ServiceMetrics unread() {
    return new ServiceMetrics(false);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The counters under envoyproxy/ratelimit's names, scraped beside the registry's own. */
  public UpstreamStats upstream() {
    return upstream;
  }

  /** One gauge per breaker state, 1 for the current one, so a dashboard can plot each directly. */
  public void watchCircuitBreaker(Supplier<CircuitBreakingStore.State> state) {
    for (CircuitBreakingStore.State each : CircuitBreakingStore.State.values()) {
      Gauge.builder("ratelimit.circuit.breaker.state", state, s -> s.get() == each ? 1 : 0)
          .description("1 for the bucket store circuit breaker's current state: closed (calls go to Redis), "
              + "open (calls fail at once), half_open (one probe in flight)")
          .tag("state", each.name().toLowerCase(Locale.ROOT))
          .strongReference(true)
          .register(registry);
    }
  }

  /** 1 while the replica serves (its /healthcheck answers 200), for the "replicas not serving" alert. */
  public void watchServing(java.util.function.BooleanSupplier serving) {
    Gauge.builder("ratelimit.serving", serving, s -> s.getAsBoolean() ? 1 : 0)
        .description("1 while this replica serves; 0 while it drains, or while the bucket store is down and the "
            + "failure policy is unavailable (its /healthcheck answers 503 then)")
        .strongReference(true)
        .register(registry);
  }

  public String scrape() {
    return registry.scrape() + upstream.prometheusText();
  }

  @Override
  public void close() {
    gcMetrics.close();
    registry.close();
  }
}
