package io.egressratelimit.loadgen.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the load generator's packages in layers, lowest first: {@code units} (durations as people
 * write them), {@code traffic} (workers, pacing, backoff), {@code stats}, then the adapters
 * ({@code output}, {@code upstream}, {@code rls}, {@code rlqs}, and {@code bench}, the benchmark's
 * driver), the run orchestrator {@code run}, and {@code cli} on top. A reference counts whether it is an import or a fully qualified name in
 * the code; comments and string literals do not count.
 */
class DependencyDirectionTest {
  private static final Path SOURCES = Path.of("src/main/java/io/egressratelimit/loadgen");
  private static final String OWN = "io.egressratelimit.loadgen.";
  private static final Pattern OWN_REFERENCE = Pattern.compile("\\bio\\.egressratelimit\\.loadgen\\.([a-z]\\w*)\\b");
  private static final Pattern LIBRARY_REFERENCE =
      Pattern.compile("\\b(picocli|io\\.grpc|io\\.envoyproxy|com\\.google\\.protobuf|com\\.google\\.gson|org\\.HdrHistogram)\\b");

  /** The packages each package may use. The root package holds only Main, which may use cli. */
  private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
      Map.entry("units", Set.of()),
      Map.entry("traffic", Set.of("units")),
      Map.entry("stats", Set.of("traffic", "units")),
      Map.entry("output", Set.of("stats", "units")),
      Map.entry("upstream", Set.of("stats", "traffic", "units")),
      Map.entry("rls", Set.of("traffic", "units")),
      Map.entry("bench", Set.of("rls", "units")),
      // the Envoy simulation of rlqs mode shares the channel set-up of rls mode
      Map.entry("rlqs", Set.of("rls", "traffic", "units")),
      Map.entry("run", Set.of("output", "stats", "traffic", "units")),
      Map.entry("cli", Set.of("*")),
      Map.entry("", Set.of("cli")));

  /** The libraries each package may use; a package not named here uses the JDK alone. */
  private static final Map<String, Set<String>> LIBRARIES = Map.ofEntries(
      Map.entry("cli", Set.of("picocli", "io.envoyproxy")),
      Map.entry("rls", Set.of("io.grpc", "io.envoyproxy", "com.google.protobuf")),
      Map.entry("bench", Set.of("io.grpc", "io.envoyproxy")),
      Map.entry("rlqs", Set.of("io.grpc", "io.envoyproxy", "com.google.protobuf")),
      Map.entry("output", Set.of("com.google.gson", "org.HdrHistogram")),
      Map.entry("stats", Set.of("org.HdrHistogram")),
      Map.entry("upstream", Set.of("com.google.gson")));

  @Test
  void packagesUseOnlyTheLayersBelowThem() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Map.Entry<String, List<Path>> pkg : filesByPackage().entrySet()) {
      Set<String> allowed = MAY_USE.get(pkg.getKey());
      if (allowed == null) {
        violations.add("package '" + pkg.getKey() + "' has no row in MAY_USE: say which packages it may use");
        continue;
      }
      for (Path file : pkg.getValue()) {
        for (String used : references(file, OWN_REFERENCE)) {
          if (!used.equals(pkg.getKey()) && !allowed.contains("*") && !allowed.contains(used)) {
            violations.add(SOURCES.relativize(file) + " uses " + OWN + used);
          }
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  @Test
  void librariesStayInTheAdaptersThatNeedThem() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Map.Entry<String, List<Path>> pkg : filesByPackage().entrySet()) {
      Set<String> allowed = LIBRARIES.getOrDefault(pkg.getKey(), Set.of());
      for (Path file : pkg.getValue()) {
        for (String library : references(file, LIBRARY_REFERENCE)) {
          if (!allowed.contains(library)) {
            violations.add(SOURCES.relativize(file) + " uses " + library);
          }
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  /** The scan itself: a fully qualified name in code is caught, one in a comment or a string is not. */
  @Test
  void fullyQualifiedNamesCountAndCommentsDoNot() {
    String source = String.join("\n",
        "package io.egressratelimit.loadgen.units;",
        "/** Unlike {@link io.egressratelimit.loadgen.cli.LoadgenCommand}, ... */",
        "final class Example {",
        "  // io.egressratelimit.loadgen.output.Html",
        "  String name = \"io.egressratelimit.loadgen.rls.RlsClient\";",
        "  io.egressratelimit.loadgen.stats.Counts counts;",
        "}");
    assertEquals(Set.of("stats"), references(source, OWN_REFERENCE));
  }

  private static Map<String, List<Path>> filesByPackage() throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES)) {
      return files.filter(f -> f.toString().endsWith(".java"))
          .collect(Collectors.groupingBy(DependencyDirectionTest::packageOf, TreeMap::new, Collectors.toList()));
    }
  }

  private static String packageOf(Path file) {
    Path dir = SOURCES.relativize(file).getParent();
    return dir == null ? "" : dir.toString().replace('/', '.');
  }

  private static Set<String> references(Path file, Pattern reference) {
    try {
      return references(Files.readString(file), reference);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  private static Set<String> references(String source, Pattern reference) {
    Set<String> found = new TreeSet<>();
    Matcher m = reference.matcher(JavaCode.withoutCommentsAndStrings(source).replaceFirst("package [\\w.]+;", ""));
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
