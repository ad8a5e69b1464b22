package io.egressratelimit.server;

/**
 * envoyproxy/ratelimit's settings that change what a config means or what an answer carries.
 *
 * @param quotaModeForAll QUOTA_MODE: every descriptor is a quota-mode one
 * @param responseDynamicMetadata RESPONSE_DYNAMIC_METADATA: answers carry upstream's dynamic metadata
 * @param mergeDomainConfig MERGE_DOMAIN_CONFIG: a domain in several files merges instead of being refused
 */
public record ConfigSemantics(boolean quotaModeForAll, boolean responseDynamicMetadata, boolean mergeDomainConfig) {
  /** Upstream's defaults: all three off. */
  public static final ConfigSemantics DEFAULT = new ConfigSemantics(false, false, false);
}
