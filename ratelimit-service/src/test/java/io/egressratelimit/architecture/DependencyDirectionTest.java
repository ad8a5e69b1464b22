package io.egressratelimit.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keeps the core pure: the decision is made in domain, config and limiter, which know nothing of
 * gRPC, Redis, bucket4j, metrics, tracing or HTTP, and adapters depend on the core, never the reverse.
 */
class DependencyDirectionTest {
  private static final Path SOURCES = Path.of("src/main/java/io/egressratelimit");
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?([\\w.]+)", Pattern.MULTILINE);

  @ParameterizedTest(name = "{0} imports nothing from {1}")
  @CsvSource({
      "domain, io.egressratelimit.(config|limiter|memory|redis|grpc|http|server|metrics|tracing|xds)|io.grpc|io.lettuce|io.github.bucket4j|io.micrometer|io.envoyproxy|com.google|org.yaml|io.opentelemetry",
      "config, io.egressratelimit.(limiter|memory|redis|grpc|http|server|metrics|tracing|xds)|io.grpc|io.lettuce|io.github.bucket4j|io.micrometer|io.envoyproxy|com.google|io.opentelemetry",
      "limiter, io.egressratelimit.(memory|redis|grpc|http|server|metrics|tracing|xds)|io.grpc|io.lettuce|io.github.bucket4j|io.micrometer|io.envoyproxy|com.google|org.yaml|io.opentelemetry",
      "memory, io.egressratelimit.(redis|grpc|http|server|metrics|xds)|io.grpc|io.lettuce|io.micrometer",
      "redis, io.egressratelimit.(memory|grpc|http|server|metrics|xds)|io.grpc|io.micrometer",
      "grpc, io.egressratelimit.(memory|redis|http|server|metrics|xds)|io.lettuce|io.github.bucket4j",
      "metrics, io.egressratelimit.(memory|redis|grpc|http|server|logging|xds)|io.grpc|io.lettuce|io.envoyproxy",
      "http, io.egressratelimit.(memory|redis|grpc|server|metrics|logging|xds)|io.micrometer|io.lettuce|io.github.bucket4j",
      "tracing, io.egressratelimit.(memory|redis|grpc|http|server|metrics|logging|xds)|io.lettuce|io.github.bucket4j|io.micrometer",
      "logging, io.egressratelimit.(domain|config|limiter|memory|redis|grpc|http|server|metrics|xds)|io.grpc|io.micrometer",
      // The quota core splits budgets between Envoys with no I/O: it sees only the domain's policies.
      "quota, io.egressratelimit.(config|limiter|memory|redis|grpc|http|server|metrics|tracing|xds|rlqs)|io.grpc|io.lettuce|io.github.bucket4j|io.micrometer|io.envoyproxy|com.google|org.yaml|io.opentelemetry",
      "rlqs, io.egressratelimit.(memory|redis|grpc|http|server|metrics|xds)|io.lettuce|io.github.bucket4j|io.micrometer",
      // The xDS config source is an adapter around config: it knows the limits loader, never the
      // engine, the stores or the server that wires it in.
      "xds, io.egressratelimit.(limiter|memory|redis|grpc|http|server|metrics|tracing)|io.lettuce|io.github.bucket4j|io.micrometer",
  })
  void packagesDependOnlyInward(String pkg, String forbidden) throws IOException {
    Pattern forbiddenImport = Pattern.compile("^(" + forbidden + ")\\b.*");
    List<String> violations = new ArrayList<>();
    Path dir = SOURCES.resolve(pkg);
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("no package directory " + dir.toAbsolutePath());
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher imports = IMPORT.matcher(Files.readString(file));
        while (imports.find()) {
          if (forbiddenImport.matcher(imports.group(1)).matches()) {
            violations.add(SOURCES.relativize(file) + " imports " + imports.group(1));
          }
        }
      }
    }
    assertEquals(List.of(), violations);
  }
}
