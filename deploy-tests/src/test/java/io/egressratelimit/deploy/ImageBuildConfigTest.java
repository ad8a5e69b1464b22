package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The Jib setup in the poms (images cannot be built here: that needs a registry or a Docker
 * engine) and its agreement with the image names the chart expects.
 */
class ImageBuildConfigTest {
  private static final String JIB = "jib-maven-plugin";

  @Test
  void theSharedJibConfigurationBuildsAJreImageThatRunsAsANumericNonRootUser() throws Exception {
    Element plugin = plugin(pom(RepoLayout.root().resolve("pom.xml")), "pluginManagement", JIB);
    Element jib = child(plugin, "configuration");

    assertTrue(text(jib, "from/image").matches("eclipse-temurin:17-jre.*"), text(jib, "from/image"));
    assertEquals("${image.prefix}/${project.artifactId}:${project.version}", text(jib, "to/image"));
    assertEquals("${main.class}", text(jib, "container/mainClass"));
    String[] user = text(jib, "container/user").split(":");
    assertTrue(Integer.parseInt(user[0]) > 0 && Integer.parseInt(user[1]) > 0, "user must be numeric uid:gid, not root");
    assertEquals(List.of(), children(plugin, "executions"), "Jib must not be bound to a phase that mvn verify runs");
  }

  @Test
  void eachImageModuleOnlyReferencesThePluginAndNamesItsMainClass() throws Exception {
    Map<String, String> mainClasses = Map.of(
        "ratelimit-service", "io.egressratelimit.server.Main",
        "loadgen", "io.egressratelimit.loadgen.Main");
    for (Map.Entry<String, String> module : mainClasses.entrySet()) {
      Document pom = pom(RepoLayout.root().resolve(module.getKey()).resolve("pom.xml"));
      Element jib = plugin(pom, "plugins", JIB);

      assertEquals(List.of(), children(jib, "executions"), module.getKey());
      assertEquals(module.getValue(), text(pom.getDocumentElement(), "properties/main.class"), module.getKey());
    }
  }

  /**
   * The image with the JVM's ahead-of-time cache: a JRE 25 base, and an entrypoint that starts the
   * very jar the build recorded the cache with (a cache is only valid for that jar), from the cache.
   */
  @Test
  void theAotProfileStartsTheRecordedJarFromItsCacheOnAJre25() throws Exception {
    Element profile = null;
    Document pom = pom(RepoLayout.root().resolve("ratelimit-service").resolve("pom.xml"));
    for (Element each : children(child(pom.getDocumentElement(), "profiles"), "profile")) {
      if (text(each, "id").equals("aot")) {
        profile = each;
      }
    }
    assertTrue(profile != null, "ratelimit-service has an aot profile");
    assertEquals("aot.java", text(profile, "activation/property/name"), "on only when a JDK 25 is named");
    assertTrue(text(profile, "properties/aot.base.image").matches("eclipse-temurin:25[.0-9_]*-jre"),
        text(profile, "properties/aot.base.image"));
    Element jib = null;
    for (Element plugin : children(child(child(profile, "build"), "plugins"), "plugin")) {
      if (JIB.equals(text(plugin, "artifactId"))) {
        jib = child(plugin, "configuration");
      }
    }
    assertTrue(jib != null, "the profile configures Jib");
    assertEquals("${aot.base.image}", text(jib, "from/image"));
    List<String> entrypoint = children(child(child(jib, "container"), "entrypoint"), "arg").stream()
        .map(arg -> arg.getTextContent().trim()).toList();
    String into = text(jib, "extraDirectories/paths/path/into");
    assertEquals(List.of("java", "-XX:AOTCache=" + into + "/ratelimit-service.aot", "-jar",
        into + "/ratelimit-service.jar"), entrypoint);
  }

  @Test
  void theChartsDefaultImagesAreTheOnesJibBuilds() throws Exception {
    Element root = pom(RepoLayout.root().resolve("pom.xml")).getDocumentElement();
    String prefix = text(root, "properties/image.prefix");
    String version = text(root, "version");
    Map<String, Object> values = KubernetesYaml.parseMap(Files.readString(RepoLayout.chart().resolve("values.yaml")));
    Map<String, Object> chart = KubernetesYaml.parseMap(Files.readString(RepoLayout.chart().resolve("Chart.yaml")));

    assertEquals(prefix + "/ratelimit-service", repository(values, "ratelimit"));
    assertEquals(prefix + "/loadgen", repository(values, "loadgen"));
    assertEquals(version, chart.get("appVersion"), "image tags default to the chart appVersion");
  }

  @SuppressWarnings("unchecked")
  private static String repository(Map<String, Object> values, String part) {
    return (String) ((Map<String, Object>) ((Map<String, Object>) values.get(part)).get("image")).get("repository");
  }

  private static Document pom(Path file) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
  }

  /** The plugin with that artifactId under build/{section}. */
  private static Element plugin(Document pom, String section, String artifactId) {
    Element build = child(pom.getDocumentElement(), "build");
    Element plugins = section.equals("plugins") ? child(build, "plugins") : child(child(build, section), "plugins");
    for (Element plugin : children(plugins, "plugin")) {
      if (artifactId.equals(text(plugin, "artifactId"))) {
        return plugin;
      }
    }
    throw new AssertionError("no " + artifactId + " under build/" + section);
  }

  private static String text(Element element, String path) {
    Element current = element;
    for (String name : path.split("/")) {
      current = child(current, name);
    }
    return current.getTextContent().trim();
  }

  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    if (found.isEmpty()) {
      throw new AssertionError("no <" + name + "> in <" + parent.getTagName() + ">");
    }
    return found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node node = nodes.item(i);
      if (node instanceof Element element && element.getTagName().equals(name)) {
        found.add(element);
      }
    }
    return found;
  }
}
