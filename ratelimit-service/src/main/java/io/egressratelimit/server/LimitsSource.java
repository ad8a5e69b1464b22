package io.egressratelimit.server;

import io.egressratelimit.config.ConfigException;
import io.egressratelimit.config.ConfigLoadListener;
import io.egressratelimit.config.RateLimitConfig;
import io.egressratelimit.config.files.ConfigReloader;
import io.egressratelimit.settings.LimitsSettings;
import io.egressratelimit.settings.ServerSettings;
import io.egressratelimit.xds.XdsConfigSubscription;
import io.egressratelimit.xds.XdsSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The config in force, from the files or from an xDS server, and what it means for serving before
 * the first xDS config has arrived.
 *
 * @param current the config snapshot in force
 * @param answering whether rate limit calls may be answered yet
 * @param waiting why the replica should get no traffic yet, or empty
 * @param origin where the config comes from, for the start-up line
 * @param closer stops watching or subscribing
 */
record LimitsSource(Supplier<RateLimitConfig> current, BooleanSupplier answering, Supplier<Optional<String>> waiting,
    String origin, AutoCloseable closer) {

  static LimitsSource start(ServerSettings settings, Duration debounce, ConfigLoadListener listener) {
    boolean mergeDomains = settings.configSemantics().mergeDomainConfig();
    LimitsSettings limits = settings.limits();
    if (limits.xds().isPresent()) {
      return subscribe(limits.xds().get(), mergeDomains, limits.allowDomainRemoval(), listener);
    }
    ConfigReloader files;
    try {
      files = ConfigReloader.start(limits.configPath(), limits.configPollInterval(), debounce, listener, mergeDomains,
          limits.allowDomainRemoval());
    } catch (ConfigException e) {
      throw new StartupException("invalid limits config: " + e.getMessage(), e);
    }
    return new LimitsSource(files::current, () -> true, Optional::empty, limits.configPath().toString(), files);
  }

  private static LimitsSource subscribe(XdsSettings xds, boolean mergeDomains, boolean allowDomainRemoval,
      ConfigLoadListener listener) {
    XdsConfigSubscription subscription;
    try {
      subscription = XdsConfigSubscription.start(xds, mergeDomains, allowDomainRemoval, listener);
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage(), e);
    }
    String noConfigYet = "no limits config has arrived yet from the xDS server at " + xds.serverUrl();
    BooleanSupplier answering = xds.startWithoutInitialConfig() ? () -> true : subscription::hasConfig;
    Supplier<Optional<String>> waiting = xds.servingBeforeFirstConfig() ? Optional::empty
        : () -> subscription.hasConfig() ? Optional.empty() : Optional.of(noConfigYet);
    return new LimitsSource(subscription::current, answering, waiting, "the xDS server at " + xds.serverUrl(),
        subscription);
  }
}
