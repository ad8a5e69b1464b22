package io.egressratelimit.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A YAML map read strictly: keys are plain text, none repeats, and (unless any key is allowed) each
 * is one the format knows. The composed node tree keeps every key, so repeats are visible here,
 * which a constructed map would silently collapse.
 */
final class YamlMap {
  private final YamlValue source;
  private final Map<String, YamlValue> entries;

  private YamlMap(YamlValue source, Map<String, YamlValue> entries) {
    this.source = source;
    this.entries = entries;
  }

  /** Reads a map whose keys must come from {@code allowedKeys}. */
  static YamlMap read(YamlValue value, List<String> allowedKeys) throws ConfigException {
    return read(value, allowedKeys, true);
  }

  /** Reads a map with free-form keys, such as {@code metadata}. */
  static YamlMap readAnyKeys(YamlValue value) throws ConfigException {
    return read(value, List.of(), false);
  }

  private static YamlMap read(YamlValue value, List<String> allowedKeys, boolean checkKeys)
      throws ConfigException {
    if (!(value.node() instanceof MappingNode mapping)) {
      throw value.error("expected a map, got " + value.describe());
    }
    Map<String, YamlValue> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
        throw new YamlValue(value.fileName(), value.path(), tuple.getKeyNode())
            .error("a key must be plain text, got " + describeKey(tuple));
      }
      String key = keyNode.getValue();
      YamlValue entry = value.child(key, tuple.getValueNode());
      YamlValue keyAt = value.child(key, keyNode);
      YamlValue earlier = entries.get(key);
      if (earlier != null) {
        throw keyAt.error("duplicate key '" + key + "', first defined at line " + earlier.line());
      }
      if (checkKeys && !allowedKeys.contains(key)) {
        throw keyAt.error(UnknownKey.reason(key, allowedKeys));
      }
      entries.put(key, entry);
    }
    return new YamlMap(value, Collections.unmodifiableMap(entries));
  }

  private static String describeKey(NodeTuple tuple) {
    return new YamlValue("", "", tuple.getKeyNode()).describe();
  }

  Optional<YamlValue> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  Map<String, YamlValue> entries() {
    return entries;
  }

  YamlValue require(String key, String reasonWhenMissing) throws ConfigException {
    YamlValue value = entries.get(key);
    if (value == null) {
      throw missing(key, reasonWhenMissing);
    }
    return value;
  }

  /** An error for a key this map lacks: the path names the key, the line is the map's. */
  ConfigException missing(String key, String reason) {
    return ConfigErrors.at(source.fileName(), source.child(key, source.node()).path(), reason, source.line());
  }

  boolean flag(String key) throws ConfigException {
    YamlValue value = entries.get(key);
    return value != null && value.asBoolean();
  }
}
