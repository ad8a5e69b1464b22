package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every value has a "## @param path description" line, and every such line names a real value. */
class ValuesDocumentationTest {
  private static final Pattern PARAM = Pattern.compile("^\\s*## @param (\\S+) (\\S.*)$");

  @Test
  void everyValueIsDocumentedAndEveryParamLineNamesAValue() throws IOException {
    String text = Files.readString(RepoLayout.chart().resolve("values.yaml"));
    Set<String> documented = new TreeSet<>();
    for (String line : text.lines().toList()) {
      Matcher matcher = PARAM.matcher(line);
      if (matcher.matches()) {
        documented.add(matcher.group(1));
      } else if (line.trim().startsWith("## @param")) {
        documented.add("(malformed) " + line.trim());
      }
    }
    Set<String> values = new TreeSet<>();
    collectPaths(KubernetesYaml.parseMap(text), "", values);

    List<String> undocumented = new ArrayList<>();
    for (String leaf : leaves(values)) {
      if (!documentedOrUnderADocumentedValue(leaf, documented)) {
        undocumented.add(leaf);
      }
    }
    List<String> dangling = documented.stream().filter(p -> !values.contains(p)).toList();
    assertEquals(List.of(), undocumented, "values without a ## @param line");
    assertEquals(List.of(), dangling, "## @param lines that name no value");
  }

  private static boolean documentedOrUnderADocumentedValue(String path, Set<String> documented) {
    for (String p = path; !p.isEmpty(); p = p.contains(".") ? p.substring(0, p.lastIndexOf('.')) : "") {
      if (documented.contains(p)) {
        return true;
      }
    }
    return false;
  }

  /** Paths that no other path extends: the leaves (scalars, lists, empty maps). */
  private static List<String> leaves(Set<String> paths) {
    return paths.stream().filter(p -> paths.stream().noneMatch(q -> q.startsWith(p + "."))).toList();
  }

  @SuppressWarnings("unchecked")
  private static void collectPaths(Map<String, Object> map, String prefix, Set<String> out) {
    map.forEach((key, value) -> {
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      out.add(path);
      if (value instanceof Map<?, ?> child) {
        collectPaths((Map<String, Object>) child, path, out);
      }
    });
  }
}
