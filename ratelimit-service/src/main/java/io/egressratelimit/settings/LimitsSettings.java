package io.egressratelimit.settings;

import io.egressratelimit.xds.XdsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the limits config comes from.
 *
 * @param configPath a limits YAML file or a directory of them; null when the limits come from xDS
 * @param configPollInterval how often the config files are compared with the config in force, besides
 *     file system events; zero relies on the events alone
 * @param xds the xDS management server the limits come from; empty reads them from {@code configPath}
 * @param allowDomainRemoval whether a reload may remove a domain that has rules in force
 *     (ALLOW_DOMAIN_REMOVAL); by default such a reload is refused and the last good config kept
 */
public record LimitsSettings(Path configPath, Duration configPollInterval, Optional<XdsSettings> xds,
    boolean allowDomainRemoval) {
  public LimitsSettings {
    Objects.requireNonNull(configPollInterval, "configPollInterval");
    Objects.requireNonNull(xds, "xds");
    if (xds.isEmpty()) {
      Objects.requireNonNull(configPath, "configPath");
    }
  }

  public LimitsSettings withConfigPollInterval(Duration interval) {
    return new LimitsSettings(configPath, interval, xds, allowDomainRemoval);
  }

  public LimitsSettings withXds(Optional<XdsSettings> source) {
    return new LimitsSettings(configPath, configPollInterval, source, allowDomainRemoval);
  }
}
