package io.egressratelimit.config;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One node of the composed YAML tree together with where it sits: the file, the path inside the
 * file and the line. Every typed read fails with a message that names all three.
 */
final class YamlValue {
  private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)");

  private final String fileName;
  private final String path;
  private final Node node;

  YamlValue(String fileName, String path, Node node) {
    this.fileName = fileName;
    this.path = path;
    this.node = node;
  }

  String fileName() {
    return fileName;
  }

  String path() {
    return path;
  }

  Node node() {
    return node;
  }

  int line() {
    return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
  }

  ConfigException error(String reason) {
    return ConfigErrors.at(fileName, path, reason, line());
  }

  YamlValue child(String key, Node child) {
    return new YamlValue(fileName, path.isEmpty() ? key : path + "." + key, child);
  }

  List<YamlValue> asList() throws ConfigException {
    if (!(node instanceof SequenceNode sequence)) {
      throw error("expected a list, got " + describe());
    }
    List<YamlValue> items = new ArrayList<>();
    for (Node item : sequence.getValue()) {
      items.add(new YamlValue(fileName, path + "[" + items.size() + "]", item));
    }
    return items;
  }

  /** Any scalar as its text, as envoyproxy/ratelimit reads string fields: {@code 8080} is "8080". */
  String asText() throws ConfigException {
    if (!(node instanceof ScalarNode scalar) || Tag.NULL.equals(node.getTag())) {
      throw error("expected a string, got " + describe());
    }
    return scalar.getValue();
  }

  boolean asBoolean() throws ConfigException {
    if (node instanceof ScalarNode scalar && Tag.BOOL.equals(node.getTag())) {
      // YAML 1.1 booleans, the set the Go YAML parser upstream accepts too.
      String text = scalar.getValue().toLowerCase(Locale.ROOT);
      return text.equals("true") || text.equals("yes") || text.equals("on");
    }
    throw error("expected true or false, got " + describe());
  }

  /** A whole number written in decimal digits; YAML's hex, octal and sexagesimal forms are refused. */
  BigInteger asWholeNumber() throws ConfigException {
    if (node instanceof ScalarNode scalar
        && Tag.INT.equals(node.getTag())
        && DECIMAL.matcher(scalar.getValue()).matches()) {
      return new BigInteger(scalar.getValue());
    }
    throw error("expected a whole number, got " + describe());
  }

  /** Whether the key is written with nothing after it ({@code descriptors:}), which Go's YAML reads as empty. */
  boolean isNull() {
    return Tag.NULL.equals(node.getTag());
  }

  String describe() {
    if (node instanceof MappingNode) {
      return "a map";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (Tag.NULL.equals(node.getTag())) {
      return "no value";
    }
    ScalarNode scalar = (ScalarNode) node;
    if (scalar.getScalarStyle() == DumperOptions.ScalarStyle.DOUBLE_QUOTED
        || scalar.getScalarStyle() == DumperOptions.ScalarStyle.SINGLE_QUOTED) {
      return "'" + scalar.getValue() + "' (quoted, so text)";
    }
    return "'" + scalar.getValue() + "'";
  }
}
