package io.egressratelimit.envoyconfig;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Where each scalar (key or value) of a YAML text sits, so that an error found after the YAML
 * became a proto can still point at a line.
 */
final class YamlLines {
  private final Map<String, Set<Integer>> linesByScalar = new TreeMap<>();

  private YamlLines() {}

  /** Call only on text that {@link StrictYaml} accepted. */
  static YamlLines of(String text) {
    YamlLines lines = new YamlLines();
    lines.collect(new Yaml(new SafeConstructor(new LoaderOptions())).compose(new java.io.StringReader(text)));
    return lines;
  }

  /** "line 12: " or "lines 12, 40: ", or nothing when the text does not hold the scalar. */
  String prefixFor(String scalar) {
    return prefixFor(linesByScalar.getOrDefault(scalar, Set.of()));
  }

  /** The first scalar, in text order, that starts with {@code start}; the scalar itself if none does. */
  String firstStartingWith(String start) {
    return linesByScalar.entrySet().stream()
        .filter(entry -> entry.getKey().startsWith(start))
        .min(java.util.Comparator.comparing(entry -> entry.getValue().iterator().next()))
        .map(Map.Entry::getKey)
        .orElse(start);
  }

  private static String prefixFor(Set<Integer> lines) {
    if (lines.isEmpty()) {
      return "";
    }
    List<String> numbers = lines.stream().map(String::valueOf).toList();
    return (lines.size() == 1 ? "line " : "lines ") + String.join(", ", numbers) + ": ";
  }

  private void collect(Node node) {
    if (node instanceof ScalarNode scalar) {
      linesByScalar.computeIfAbsent(scalar.getValue(), k -> new TreeSet<>())
          .add(scalar.getStartMark().getLine() + 1);
    } else if (node instanceof SequenceNode sequence) {
      sequence.getValue().forEach(this::collect);
    } else if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        collect(tuple.getKeyNode());
        collect(tuple.getValueNode());
      }
    }
  }
}
