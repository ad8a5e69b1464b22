package io.egressratelimit.testing.envoy;

import java.util.Map;
import java.util.Set;

/**
 * Fields the pinned Envoy (requirements-envoy.txt) reads that the envoy api jar the strict parses
 * are built on predates (io.envoyproxy.controlplane:api 1.0.49; no newer one is published), by the
 * type URL of the typed config that owns them. A strict parse takes them out of that typed config,
 * and only there, before it parses: the same name anywhere else is still an unknown field. Envoy's
 * own {@code --mode validate} ({@link EnvoyValidation}) checks every config with them in.
 */
public final class FieldsNewerThanTheApi {
  private static final Map<String, Set<String>> BY_TYPE_URL = Map.of(
      // Envoy 1.38: Retry-After on a 429 from the ratelimit filter.
      "type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit", Set.of("enable_retry_after_header"));

  private FieldsNewerThanTheApi() {}

  /** The fields to take out of a typed config of this {@code @type}; empty for most. */
  public static Set<String> of(String typeUrl) {
    return BY_TYPE_URL.getOrDefault(typeUrl, Set.of());
  }
}
