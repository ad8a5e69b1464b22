package io.egressratelimit.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a rule's {@code metadata}: a map holding any YAML below it (maps, lists, text, numbers,
 * booleans, null), as envoyproxy/ratelimit keeps it in a {@code google.protobuf.Struct}. Numbers and
 * booleans keep their type; every other scalar (a date, say) is its text.
 */
final class MetadataReader {
  /** Deeper than any real metadata, and it stops a self-referencing alias from recursing forever. */
  private static final int MAX_DEPTH = 32;

  private MetadataReader() {}

  static Map<String, Object> read(YamlValue metadata) throws ConfigException {
    return map(metadata, 0);
  }

  private static Map<String, Object> map(YamlValue value, int depth) throws ConfigException {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Map.Entry<String, YamlValue> entry : YamlMap.readAnyKeys(value).entries().entrySet()) {
      map.put(entry.getKey(), any(entry.getValue(), depth + 1));
    }
    return map;
  }

  private static Object any(YamlValue value, int depth) throws ConfigException {
    if (depth > MAX_DEPTH) {
      throw value.error("metadata is nested more than " + MAX_DEPTH + " levels deep");
    }
    if (value.node() instanceof MappingNode) {
      return map(value, depth);
    }
    if (value.node() instanceof SequenceNode) {
      List<Object> list = new ArrayList<>();
      for (YamlValue item : value.asList()) {
        list.add(any(item, depth + 1));
      }
      return list;
    }
    return scalar(value, (ScalarNode) value.node());
  }

  private static Object scalar(YamlValue value, ScalarNode scalar) throws ConfigException {
    Tag tag = scalar.getTag();
    if (Tag.NULL.equals(tag)) {
      return null;
    }
    if (Tag.BOOL.equals(tag)) {
      return value.asBoolean();
    }
    if (Tag.INT.equals(tag) || Tag.FLOAT.equals(tag)) {
      // The plain scalar alone, resolved by snakeyaml's own rules (1_000, 0x1F, 1e3, .5).
      Object number = new Yaml(new LoaderOptions()).load(scalar.getValue());
      if (number instanceof Double d && (d.isNaN() || d.isInfinite())) {
        throw value.error("metadata numbers must be finite, got '" + scalar.getValue() + "'");
      }
      if (number instanceof Number) {
        return number instanceof java.math.BigInteger big ? big.doubleValue() : number;
      }
    }
    return scalar.getValue();
  }
}
