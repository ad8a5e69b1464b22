package io.egressratelimit.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/** Registers a described counter; Micrometer returns the existing one for the same name and tags. */
final class Meters {
  private Meters() {}

  static Counter counter(MeterRegistry registry, String name, String description, Tags tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }
}
