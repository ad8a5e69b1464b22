package io.egressratelimit.envoyconfig;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.envoy.EnvoyValidation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Envoy itself, the pinned binary, accepts every config this module ships ({@code envoy --mode
 * validate}: every listener, cluster and filter is built, nothing served). The strict proto parse
 * (EnvoyFilesTest) stays: it names the line of a mistake; this goes further, to what only Envoy
 * knows, such as fields newer than the api jar and each extension's own checks.
 */
class EnvoyValidateIT {

  static Stream<String> shippedFiles() throws IOException {
    try (Stream<Path> files = Files.list(EnvoyFiles.moduleDir())) {
      List<String> names = files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".yaml"))
          .sorted().toList();
      assertTrue(names.containsAll(EnvoyFiles.ALL), "every shipped config is found: " + names);
      return names.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("shippedFiles")
  void envoyAcceptsTheShippedConfig(String file) {
    EnvoyValidation validation = EnvoyValidation.of(EnvoyFiles.envoyFile(file));
    assertTrue(validation.ok(), file + ":\n" + validation.output());
  }

  /**
   * A route to a cluster that does not exist. (A ratelimit filter naming one passes Envoy's validate
   * mode: gRPC clusters are looked up at the first call. ClusterReferences refuses that in the build.)
   */
  @Test
  void envoyRefusesAConfigWithAMistake() throws IOException {
    Path broken = Files.createTempFile("broken", ".yaml");
    try {
      Files.writeString(broken, Files.readString(EnvoyFiles.envoyFile(EnvoyFiles.LOCAL))
          .replace("cluster: geocode_upstream", "cluster: geocode-upstream"));
      EnvoyValidation validation = EnvoyValidation.of(broken);
      assertFalse(validation.ok(), "a route to an undefined cluster");
      assertTrue(validation.output().contains("geocode-upstream"), validation.output());
    } finally {
      Files.deleteIfExists(broken);
    }
  }
}
