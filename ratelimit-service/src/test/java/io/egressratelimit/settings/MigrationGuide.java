package io.egressratelimit.settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/** docs/migrating-from-envoy-ratelimit.md, and the upstream Deployment and ConfigMap it shows. */
final class MigrationGuide {
  static final Path FILE = Path.of(System.getProperty("user.dir")).resolve("../docs/migrating-from-envoy-ratelimit.md")
      .normalize();

  private MigrationGuide() {}

  static String text() {
    try {
      return Files.readString(FILE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The YAML documents of the fenced block that holds the Deployment. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> manifests() {
    String text = text();
    int deployment = text.indexOf("kind: Deployment");
    int start = text.lastIndexOf("```yaml\n", deployment) + "```yaml\n".length();
    int end = text.indexOf("```", deployment);
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : new Yaml().loadAll(text.substring(start, end))) {
      documents.add((Map<String, Object>) document);
    }
    return documents;
  }

  static Map<String, Object> manifest(String kind) {
    return manifests().stream().filter(document -> kind.equals(document.get("kind"))).findFirst().orElseThrow();
  }

  /** The Deployment's only container. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> container() {
    Map<String, Object> spec = (Map<String, Object>) manifest("Deployment").get("spec");
    Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
    return ((List<Map<String, Object>>) pod.get("containers")).get(0);
  }

  /** Its env block, in order. */
  @SuppressWarnings("unchecked")
  static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (Map<String, Object> variable : (List<Map<String, Object>>) container().get("env")) {
      env.put((String) variable.get("name"), String.valueOf(variable.get("value")));
    }
    return env;
  }

  /** Where the ConfigMap is mounted: the container's only volume mount. */
  @SuppressWarnings("unchecked")
  static String configMountPath() {
    return (String) ((List<Map<String, Object>>) container().get("volumeMounts")).get(0).get("mountPath");
  }

  /** The ConfigMap's files. */
  @SuppressWarnings("unchecked")
  static Map<String, String> configFiles() {
    return (Map<String, String>) manifest("ConfigMap").get("data");
  }
}
