package io.egressratelimit.envoyconfig;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.DuplicateKeyException;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * YAML to JSON, refusing what Envoy's loader would quietly accept or a reader would miss: a
 * duplicate key (the later one silently wins in most loaders), several documents, and any tag
 * beyond plain YAML data.
 */
final class StrictYaml {
  private StrictYaml() {}

  static JsonElement toJson(String fileName, String text) throws EnvoyConfigException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object document;
    try {
      document = new Yaml(new SafeConstructor(options)).load(text);
    } catch (DuplicateKeyException e) {
      throw new EnvoyConfigException(fileName + ": line " + (e.getProblemMark().getLine() + 1)
          + ": " + e.getProblem());
    } catch (MarkedYAMLException e) {
      String where = e.getProblemMark() == null ? "" : "line " + (e.getProblemMark().getLine() + 1) + ": ";
      throw new EnvoyConfigException(fileName + ": " + where + e.getProblem());
    } catch (RuntimeException e) {
      throw new EnvoyConfigException(fileName + ": not YAML: " + e.getMessage());
    }
    if (!(document instanceof Map)) {
      throw new EnvoyConfigException(fileName + ": expected a mapping at the top, found "
          + (document == null ? "an empty document" : document.getClass().getSimpleName()));
    }
    return toJson(fileName, document);
  }

  private static JsonElement toJson(String fileName, Object value) throws EnvoyConfigException {
    if (value == null) {
      return JsonNull.INSTANCE;
    }
    if (value instanceof Map<?, ?> map) {
      JsonObject object = new JsonObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        object.add(String.valueOf(entry.getKey()), toJson(fileName, entry.getValue()));
      }
      return object;
    }
    if (value instanceof List<?> list) {
      JsonArray array = new JsonArray();
      for (Object item : list) {
        array.add(toJson(fileName, item));
      }
      return array;
    }
    if (value instanceof String string) {
      return new JsonPrimitive(string);
    }
    if (value instanceof Number number) {
      return new JsonPrimitive(number);
    }
    if (value instanceof Boolean bool) {
      return new JsonPrimitive(bool);
    }
    // Timestamps, binary and sets have no place in an Envoy config; quote the value if meant.
    throw new EnvoyConfigException(fileName + ": unsupported YAML value " + value
        + " (" + value.getClass().getSimpleName() + "); quote it if it is a string");
  }
}
