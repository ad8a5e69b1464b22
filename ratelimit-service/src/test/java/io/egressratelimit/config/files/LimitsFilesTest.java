package io.egressratelimit.config.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.config.ConfigException;
import io.egressratelimit.config.Fixtures;
import io.egressratelimit.config.RateLimitConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading from the file system: one file, a directory, and a Kubernetes ConfigMap mount. */
class LimitsFilesTest {
  private static final String GEOCODE = Fixtures.text("/config/valid/geocode.yaml");
  private static final String EDGE = Fixtures.text("/config/valid/edge.yaml");

  @TempDir
  Path dir;

  @Test
  void loadsASingleFile() throws IOException, ConfigException {
    Path file = Files.writeString(dir.resolve("geocode.yaml"), GEOCODE);

    RateLimitConfig config = LimitsFiles.load(file);

    assertEquals(List.of("geocode"), List.copyOf(config.domains()));
    assertEquals(2, config.rules().size());
  }

  @Test
  void namesASingleFileAsGivenInErrors() throws IOException {
    Path file = Files.writeString(dir.resolve("broken.yaml"), "domain: \"\"\n");

    ConfigException error = assertThrows(ConfigException.class, () -> LimitsFiles.load(file));

    assertEquals(file + ": domain: config file cannot have an empty domain (line 1)", error.getMessage());
  }

  @Test
  void loadsEveryYamlFileOfADirectoryInNameOrder() throws IOException, ConfigException {
    Files.writeString(dir.resolve("b-geocode.yml"), GEOCODE);
    Files.writeString(dir.resolve("a-edge.yaml"), EDGE);
    Files.writeString(dir.resolve(".hidden.yaml"), "not: [valid");
    Files.writeString(dir.resolve("README.md"), "# not a config");
    Files.createDirectory(dir.resolve("nested.yaml"));

    RateLimitConfig config = LimitsFiles.load(dir);

    assertEquals(List.of("edge", "geocode"), List.copyOf(config.domains()));
    assertEquals("edge.remote_address", config.rules().get(0).fullKey());
    assertEquals("geocode.generic_key_geocode.caller", config.rules().get(config.rules().size() - 1).fullKey());
  }

  @Test
  void loadsAConfigMapMountThroughItsDataSymlinks() throws IOException, ConfigException {
    // The layout the kubelet writes: files link through ..data to a timestamped directory.
    Path version = Files.createDirectory(dir.resolve("..2026_11_22_10_00_00.000000001"));
    Files.writeString(version.resolve("geocode.yaml"), GEOCODE);
    Files.writeString(version.resolve("edge.yaml"), EDGE);
    Files.createSymbolicLink(dir.resolve("..data"), version.getFileName());
    Files.createSymbolicLink(dir.resolve("geocode.yaml"), Path.of("..data", "geocode.yaml"));
    Files.createSymbolicLink(dir.resolve("edge.yaml"), Path.of("..data", "edge.yaml"));

    RateLimitConfig config = LimitsFiles.load(dir);

    assertEquals(List.of("edge", "geocode"), List.copyOf(config.domains()));
    assertTrue(config.match("geocode", Fixtures.entries("generic_key=geocode")).isPresent());
  }

  @Test
  void namesBothFilesOfADuplicateDomain() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), GEOCODE);
    Files.writeString(dir.resolve("b.yaml"), "# the same domain again\n" + GEOCODE);

    ConfigException error = assertThrows(ConfigException.class, () -> LimitsFiles.load(dir));

    assertEquals("b.yaml: domain: duplicate domain 'geocode'; already defined in a.yaml"
        + " (set MERGE_DOMAIN_CONFIG=true to merge a domain across files) (line 3)", error.getMessage());
  }

  @Test
  void namesOnlyTheFileNameForAFileInADirectory() throws IOException {
    Files.writeString(dir.resolve("geocode.yaml"), "domain: geocode\ndescriptors: {}\n");

    ConfigException error = assertThrows(ConfigException.class, () -> LimitsFiles.load(dir));

    assertEquals("geocode.yaml: descriptors: expected a list of descriptors, got a map (line 2)",
        error.getMessage());
  }

  @Test
  void refusesADirectoryWithoutYamlFiles() throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "nothing here");

    ConfigException error = assertThrows(ConfigException.class, () -> LimitsFiles.load(dir));

    assertEquals("no .yaml files in " + dir, error.getMessage());
  }

  @Test
  void refusesAMissingPath() {
    Path missing = dir.resolve("absent.yaml");

    ConfigException error = assertThrows(ConfigException.class, () -> LimitsFiles.load(missing));

    assertEquals(missing + ": no such file or directory", error.getMessage());
  }

  @Test
  void refusesAFileThatIsNotUtf8() throws IOException {
    Files.write(dir.resolve("latin1.yaml"), new byte[] {'d', 'o', 'm', 'a', 'i', 'n', ':', ' ', (byte) 0xE9});

    ConfigException error = assertThrows(ConfigException.class, () -> LimitsFiles.load(dir));

    assertEquals("latin1.yaml: (document): the file is not UTF-8 text", error.getMessage());
  }

  @Test
  void mergeDomainConfigJoinsUpstreamsTwoFilesOfOneDomain() throws IOException, ConfigException {
    Files.writeString(dir.resolve("merge_domain_key1.yaml"), Fixtures.text("/config/upstream/merge_domain_key1.yaml"));
    Files.writeString(dir.resolve("merge_domain_key2.yaml"), Fixtures.text("/config/upstream/merge_domain_key2.yaml"));

    RateLimitConfig merged = LimitsFiles.load(dir, true);

    assertEquals(10, merged.match("test-domain", Fixtures.entries("key1=value1")).orElseThrow()
        .rule().policy().orElseThrow().requestsPerPeriod());
    assertEquals(20, merged.match("test-domain", Fixtures.entries("key2=value2")).orElseThrow()
        .rule().policy().orElseThrow().requestsPerPeriod());
    ConfigException refused = assertThrows(ConfigException.class, () -> LimitsFiles.load(dir, false));
    assertEquals("merge_domain_key2.yaml: domain: duplicate domain 'test-domain'; already defined in"
        + " merge_domain_key1.yaml (set MERGE_DOMAIN_CONFIG=true to merge a domain across files) (line 3)",
        refused.getMessage());
  }

  @Test
  void mergingStillRefusesOneDescriptorInTwoFilesAndNamesBoth() throws IOException {
    Files.writeString(dir.resolve("a.yaml"), GEOCODE);
    Files.writeString(dir.resolve("b.yaml"), """
        domain: geocode
        descriptors:
          - key: caller
            rate_limit: {unit: minute, requests_per_unit: 1}
          - key: generic_key
            value: geocode
            rate_limit: {unit: minute, requests_per_unit: 1}
        """);

    ConfigException error = assertThrows(ConfigException.class, () -> LimitsFiles.load(dir, true));

    assertEquals("b.yaml: descriptors[1]: duplicate descriptor composite key 'geocode.generic_key_geocode';"
        + " first defined in a.yaml at descriptors[0] (line 5)", error.getMessage());
  }
}
