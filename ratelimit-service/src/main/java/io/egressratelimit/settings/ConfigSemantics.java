package io.egressratelimit.settings;

/**
 * envoyproxy/ratelimit's settings that change what a config means or what an answer carries
 * (QUOTA_MODE, which changes what the engine decides, is in the engine's settings).
 *
 * @param responseDynamicMetadata RESPONSE_DYNAMIC_METADATA: answers carry upstream's dynamic metadata
 * @param mergeDomainConfig MERGE_DOMAIN_CONFIG: a domain in several files merges instead of being refused
 */
public record ConfigSemantics(boolean responseDynamicMetadata, boolean mergeDomainConfig) {
  /** Upstream's defaults: both off. */
  public static final ConfigSemantics DEFAULT = new ConfigSemantics(false, false);
}
