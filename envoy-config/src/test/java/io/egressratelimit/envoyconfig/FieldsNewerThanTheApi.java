package io.egressratelimit.envoyconfig;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Takes the fields {@link io.egressratelimit.testing.envoy.FieldsNewerThanTheApi} names out of a parsed config. */
final class FieldsNewerThanTheApi {
  private FieldsNewerThanTheApi() {}

  static void strip(JsonElement element) {
    if (element.isJsonObject()) {
      JsonObject object = element.getAsJsonObject();
      JsonElement type = object.get("@type");
      if (type != null && type.isJsonPrimitive()) {
        io.egressratelimit.testing.envoy.FieldsNewerThanTheApi.of(type.getAsString()).forEach(object::remove);
      }
      object.entrySet().forEach(entry -> strip(entry.getValue()));
    } else if (element.isJsonArray()) {
      element.getAsJsonArray().forEach(FieldsNewerThanTheApi::strip);
    }
  }
}
