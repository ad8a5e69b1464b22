package io.egressratelimit.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the core pure: the decision is made in domain, config, limiter and limiter.store, which know
 * nothing of gRPC, Redis, bucket4j, metrics, tracing or HTTP, and adapters depend on the core, never
 * the reverse. Every package has a row that says what it may use; a package without one fails, so a
 * new package is guarded from its first commit. What counts is the code: imports, fully qualified
 * names and static imports alike, with comments and string literals left out.
 */
class DependencyDirectionTest {
  private static final Path SOURCES = Path.of("src/main/java/io/egressratelimit");
  private static final Pattern PRODUCT = Pattern.compile("\\bio\\.egressratelimit((?:\\.[a-z][a-z0-9_]*)+)");
  /** Libraries a package may or may not see; the JDK is open to all. */
  private static final List<String> LIBRARIES = List.of("io.grpc", "io.lettuce", "io.github.bucket4j", "io.micrometer",
      "io.envoyproxy", "com.google", "org.yaml", "io.opentelemetry", "picocli", "ch.qos", "io.netty", "com.sun",
      "org.slf4j");
  private static final Pattern LIBRARY = Pattern.compile("\\b(" + LIBRARIES.stream()
      .map(Pattern::quote).collect(Collectors.joining("|")) + ")\\.");

  /** What each package may use, besides itself and the JDK. */
  private record Allowed(String pkg, Set<String> packages, Set<String> libraries) {
    @Override
    public String toString() {
      return pkg;
    }
  }

  private static Allowed may(String pkg, String packages, String libraries) {
    return new Allowed(pkg, words(packages), words(libraries));
  }

  private static Set<String> words(String text) {
    return text.isBlank() ? Set.of() : Set.of(text.trim().split("\\s+"));
  }

  static List<Allowed> rules() {
    return List.of(
        may("domain", "", ""),
        may("config", "domain", "org.yaml"),
        // The limits files: read, watched and reloaded, then parsed by config.
        may("config.files", "domain config", "org.slf4j"),
        // The store seam and its records: what the engine asks and every store answers.
        may("limiter.store", "", ""),
        may("limiter", "domain config limiter.store", ""),
        may("bucket4j", "limiter limiter.store", "io.github.bucket4j"),
        may("memory", "limiter limiter.store bucket4j rlqs.ledger", "io.github.bucket4j"),
        // The script path and what both Redis strategies share (connection, deadline, failures):
        // no bucket4j, which only the compare-and-swap strategy in redis.cas uses.
        may("redis", "domain limiter limiter.store logging rlqs.ledger", "io.lettuce io.netty org.slf4j"),
        may("redis.cas", "domain limiter limiter.store bucket4j redis", "io.lettuce io.github.bucket4j"),
        // io.netty: the adapter reads which of its transport's event loops a call arrived on, and
        // hands it on as a plain Executor.
        may("rls", "domain limiter limiter.store logging", "io.grpc io.netty io.envoyproxy com.google org.slf4j"),
        // What /budgets shows: live activity and remaining budget per rule, read beside the engine, never
        // part of a decision.
        may("budgets", "domain config limiter limiter.store", ""),
        may("http", "domain limiter limiter.store budgets rlqs.ledger", "io.envoyproxy com.google io.netty org.slf4j"),
        may("metrics", "domain config limiter limiter.store rlqs.ledger", "io.micrometer"),
        may("tracing", "limiter.store", "io.opentelemetry io.grpc io.envoyproxy"),
        may("logging", "", "ch.qos org.slf4j"),
        // The RLQS core splits budgets between Envoys with no I/O: it sees only the domain's policies.
        may("rlqs.ledger", "domain", ""),
        // The RLQS adapter: Envoy's stream protocol around the ledger core, rules from config.
        may("rlqs", "domain config rlqs.ledger", "io.grpc io.envoyproxy com.google org.slf4j"),
        // The xDS config source is an adapter around config: it knows the limits loader, never the
        // engine, the stores or the server that wires it in.
        may("xds", "config", "com.google io.envoyproxy io.grpc org.slf4j"),
        // Every setting: flags, environment variables (envoyproxy/ratelimit's too), defaults and checks, read
        // once into the records the running parts take. It builds settings, never the parts themselves.
        may("settings", "limiter rls http logging metrics rlqs.ledger redis tracing xds", "picocli org.slf4j"),
        // The composition root wires everything.
        may("server", "domain config config.files limiter limiter.store budgets settings bucket4j memory redis redis.cas rls http metrics tracing logging "
            + "xds rlqs.ledger rlqs",
            String.join(" ", LIBRARIES)));
  }

  @ParameterizedTest(name = "{0} uses only what its row allows")
  @MethodSource("rules")
  void packagesDependOnlyInward(Allowed rule) throws IOException {
    Path dir = SOURCES.resolve(rule.pkg().replace('.', '/'));
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("no package directory " + dir.toAbsolutePath());
    }
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        String code = JavaSource.code(Files.readString(file));
        for (String used : productPackages(code)) {
          if (!used.equals(rule.pkg()) && !rule.packages().contains(used)) {
            violations.add(SOURCES.relativize(file) + " uses io.egressratelimit." + used);
          }
        }
        for (String library : libraries(code)) {
          if (!rule.libraries().contains(library)) {
            violations.add(SOURCES.relativize(file) + " uses " + library);
          }
        }
      }
    }
    assertEquals(List.of(), violations);
  }

  /** The packages that decide: what ARCHITECTURE.md promises does no I/O. */
  static List<String> core() {
    return List.of("domain", "config", "limiter", "limiter.store", "rlqs.ledger");
  }

  /** Files, sockets, threads of its own and logging are I/O; a {@code StringReader} over a text is not. */
  private static final Pattern IO = Pattern.compile(
      "\\b(java\\.nio\\.file|java\\.net|java\\.nio\\.channels)\\.|\\bjava\\.io\\.(File|RandomAccess|Console)"
          + "|\\bExecutors\\.|\\bnew Thread\\(|\\bSystem\\.(out|err)\\b");

  @ParameterizedTest(name = "{0} does no I/O")
  @MethodSource("core")
  void theCoreDoesNoIo(String pkg) throws IOException {
    List<String> io = new ArrayList<>();
    try (Stream<Path> files = Files.list(SOURCES.resolve(pkg.replace('.', '/')))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        Matcher found = IO.matcher(JavaSource.code(Files.readString(file)));
        while (found.find()) {
          io.add(SOURCES.relativize(file) + " uses " + found.group());
        }
      }
    }
    assertEquals(List.of(), io);
  }

  @Test
  void everyPackageHasARow() throws IOException {
    Set<String> guarded = rules().stream().map(Allowed::pkg).collect(Collectors.toCollection(TreeSet::new));
    Set<String> packages = new TreeSet<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      files.filter(f -> f.toString().endsWith(".java"))
          .forEach(f -> packages.add(SOURCES.relativize(f.getParent()).toString().replace('/', '.')));
    }
    assertEquals(packages, guarded, "each package needs a row in rules()");
  }

  @Test
  void aFullyQualifiedNameCountsWhileCommentsAndStringsDoNot() {
    String source = """
        package io.egressratelimit.limiter;
        import java.util.List;
        /** Unlike io.grpc.Status, this is no dependency. */
        final class Sneaky {
          io.lettuce.core.RedisClient client; // io.micrometer.core.instrument.Counter
          String text = "io.opentelemetry.api.OpenTelemetry";
          io.egressratelimit.redis.ScriptStores stores;
          static io.egressratelimit.limiter.store.BucketStore store;
        }
        """;
    String code = JavaSource.code(source);
    assertEquals(Set.of("io.lettuce"), libraries(code));
    assertEquals(Set.of("limiter", "redis", "limiter.store"), productPackages(code));
  }

  /** Each product package the code names, as {@code limiter} or {@code limiter.store}. */
  private static Set<String> productPackages(String code) {
    Set<String> packages = new TreeSet<>();
    Matcher names = PRODUCT.matcher(code);
    while (names.find()) {
      packages.add(names.group(1).substring(1));
    }
    return packages;
  }

  private static Set<String> libraries(String code) {
    Set<String> used = new TreeSet<>();
    Matcher names = LIBRARY.matcher(code);
    while (names.find()) {
      used.add(names.group(1));
    }
    return used;
  }

  /** Java source text reduced to its code. */
  static final class JavaSource {
    private static final Pattern NOT_CODE = Pattern.compile(
        "//[^\\n]*|/\\*.*?\\*/|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'", Pattern.DOTALL);

    private JavaSource() {}

    static String code(String source) {
      return NOT_CODE.matcher(source).replaceAll(" ");
    }
  }
}
