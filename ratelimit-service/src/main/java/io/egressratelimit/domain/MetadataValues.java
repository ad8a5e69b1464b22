package io.egressratelimit.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule's {@code metadata} as plain Java: maps with text keys, lists, text, numbers, booleans and
 * null, the shapes a {@code google.protobuf.Struct} can hold. The adapters convert it; the core
 * only freezes and merges it.
 */
public final class MetadataValues {
  private MetadataValues() {}

  /** A deep, unmodifiable copy that keeps key order (a Struct has none, but /rlconfig reads better). */
  public static Map<String, Object> freeze(Map<String, ?> metadata) {
    Map<String, Object> copy = new LinkedHashMap<>();
    metadata.forEach((key, value) -> copy.put(key, freezeValue(value)));
    return Collections.unmodifiableMap(copy);
  }

  private static Object freezeValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((key, item) -> copy.put((String) key, freezeValue(item)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(item -> copy.add(freezeValue(item)));
      return Collections.unmodifiableList(copy);
    }
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
      return value;
    }
    throw new IllegalArgumentException("metadata cannot hold a " + value.getClass().getSimpleName());
  }

  /**
   * Merges several rules' metadata as envoyproxy/ratelimit merges the metadata of the descriptors
   * that passed: the first value for a key wins, except that two maps under one key merge, key by
   * key, the same way.
   */
  public static Map<String, Object> mergeFirstWins(List<Map<String, Object>> sources) {
    Map<String, Object> merged = new LinkedHashMap<>();
    for (Map<String, Object> source : sources) {
      mergeInto(merged, source);
    }
    return freeze(merged);
  }

  @SuppressWarnings("unchecked")
  private static void mergeInto(Map<String, Object> target, Map<String, Object> source) {
    for (Map.Entry<String, Object> entry : source.entrySet()) {
      Object existing = target.get(entry.getKey());
      if (!target.containsKey(entry.getKey())) {
        target.put(entry.getKey(), entry.getValue() instanceof Map<?, ?> map
            ? new LinkedHashMap<>((Map<String, Object>) map) : entry.getValue());
      } else if (existing instanceof Map<?, ?> && entry.getValue() instanceof Map<?, ?> incoming) {
        mergeInto((Map<String, Object>) existing, (Map<String, Object>) incoming);
      }
    }
  }
}
