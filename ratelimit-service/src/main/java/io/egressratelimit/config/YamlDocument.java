package io.egressratelimit.config;

import java.io.StringReader;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Composes one file into snakeyaml's node tree. Composing (not loading) keeps every key and its
 * line, and builds no Java objects from tags, so a config can never instantiate a class.
 */
final class YamlDocument {
  private YamlDocument() {}

  static YamlValue compose(String fileName, String yamlText) throws ConfigException {
    Node root;
    try {
      root = new Yaml(loaderOptions()).compose(new StringReader(yamlText));
    } catch (MarkedYAMLException e) {
      throw ConfigErrors.at(fileName, "", "invalid YAML: " + problem(e), lineOf(e.getProblemMark()));
    } catch (YAMLException e) {
      throw ConfigErrors.at(fileName, "", "invalid YAML: " + e.getMessage(), 0);
    }
    if (root == null) {
      throw ConfigErrors.at(fileName, "", "the file is empty; expected a map with 'domain' and 'descriptors'", 0);
    }
    return new YamlValue(fileName, "", root);
  }

  /**
   * The same tree for a document that arrives as data (maps, lists, strings, numbers, booleans)
   * rather than text. Its nodes carry no position, so errors name the path and no line.
   */
  static YamlValue represent(String name, Map<String, ?> data) {
    return new YamlValue(name, "", new Yaml().represent(data));
  }

  private static LoaderOptions loaderOptions() {
    LoaderOptions options = new LoaderOptions();
    // "<<: *defaults" works in envoyproxy/ratelimit's Go parser, so it has to work here.
    options.setMergeOnCompose(true);
    return options;
  }

  private static String problem(MarkedYAMLException e) {
    return e.getContext() == null ? e.getProblem() : e.getContext() + ", " + e.getProblem();
  }

  private static int lineOf(Mark mark) {
    return mark == null ? 0 : mark.getLine() + 1;
  }
}
