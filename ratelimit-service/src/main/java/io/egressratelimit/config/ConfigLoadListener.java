package io.egressratelimit.config;

/**
 * Told about every load of the limits, from files or xDS: what went into force, what was refused and
 * why. The metrics adapter counts them.
 */
public interface ConfigLoadListener {
  ConfigLoadListener NONE = new ConfigLoadListener() {};

  default void onLoaded(RateLimitConfig config) {}

  default void onRejected(ConfigException error) {}

  /** A new config was refused because it would remove these domains (told after {@link #onRejected}). */
  default void onDomainRemovalRefused(java.util.Set<String> domains) {}
}
