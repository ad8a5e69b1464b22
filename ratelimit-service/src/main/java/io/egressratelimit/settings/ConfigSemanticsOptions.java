package io.egressratelimit.settings;

import picocli.CommandLine.Help;
import picocli.CommandLine.Option;

/**
 * The flags behind {@link ConfigSemantics} and QUOTA_MODE, named and defaulted as envoyproxy/ratelimit's
 * variables.
 */
public final class ConfigSemanticsOptions {
  @Option(names = "--quota-mode", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:QUOTA_MODE:-false}",
      description = "Treat every descriptor as quota_mode: a request is denied only when all its descriptors are "
          + "over their limits. Env: QUOTA_MODE.")
  boolean quotaMode;

  @Option(names = "--response-dynamic-metadata", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:RESPONSE_DYNAMIC_METADATA:-false}",
      description = "Answer with dynamic metadata: the domain, the descriptors, hitsAddend and the merged "
          + "metadata of the rules whose descriptors passed. Env: RESPONSE_DYNAMIC_METADATA.")
  boolean responseDynamicMetadata;

  @Option(names = "--merge-domain-config", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:MERGE_DOMAIN_CONFIG:-false}",
      description = "Merge the descriptors of a domain that appears in several config files; otherwise a "
          + "duplicate domain is refused. Env: MERGE_DOMAIN_CONFIG.")
  boolean mergeDomainConfig;

  ConfigSemantics toSettings() {
    return new ConfigSemantics(responseDynamicMetadata, mergeDomainConfig);
  }
}
