package io.egressratelimit.envoyconfig;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * Fields the pinned Envoy (requirements-envoy.txt) reads that the envoy api jar the strict parse is
 * built on predates (io.envoyproxy.controlplane:api 1.0.49; no newer one is published). The strict
 * parse takes them out of the typed config that owns them before it parses, and only there: the
 * same name anywhere else is still an unknown field. Envoy's own {@code --mode validate}
 * (EnvoyValidateIT) checks every file with them in.
 */
final class FieldsNewerThanTheApi {
  private static final Map<String, Set<String>> BY_TYPE = Map.of(
      // Envoy 1.38: Retry-After on a 429 from the ratelimit filter.
      "type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit", Set.of("enable_retry_after_header"));

  private FieldsNewerThanTheApi() {}

  static void strip(JsonElement element) {
    if (element.isJsonObject()) {
      JsonObject object = element.getAsJsonObject();
      JsonElement type = object.get("@type");
      if (type != null && type.isJsonPrimitive()) {
        BY_TYPE.getOrDefault(type.getAsString(), Set.of()).forEach(object::remove);
      }
      object.entrySet().forEach(entry -> strip(entry.getValue()));
    } else if (element.isJsonArray()) {
      JsonArray array = element.getAsJsonArray();
      array.forEach(FieldsNewerThanTheApi::strip);
    }
  }
}
