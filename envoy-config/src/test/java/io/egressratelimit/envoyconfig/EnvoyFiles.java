package io.egressratelimit.envoyconfig;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;

/** Where the files under test live: the module's own directory, and the negative fixtures. */
final class EnvoyFiles {
  static final String PRODUCTION = "envoy.yaml";
  static final String LOCAL = "envoy-local.yaml";
  static final List<String> BOTH = List.of(PRODUCTION, LOCAL);
  /** The same gateways with the rate_limit_quota filter (RLQS) in place of the ratelimit filter. */
  static final String RLQS = "envoy-rlqs.yaml";
  static final String RLQS_LOCAL = "envoy-rlqs-local.yaml";
  static final List<String> RLQS_BOTH = List.of(RLQS, RLQS_LOCAL);
  static final List<String> ALL = List.of(PRODUCTION, LOCAL, RLQS, RLQS_LOCAL);
  /** The example for a usage-priced API: requests and tokens per minute, tokens charged at stream done. */
  static final String LLM_LOCAL = "envoy-llm-local.yaml";

  private EnvoyFiles() {}

  static Path moduleDir() {
    return Path.of(System.getProperty("envoy.config.dir", ".")).toAbsolutePath().normalize();
  }

  static Path envoyFile(String name) {
    return moduleDir().resolve(name);
  }

  static Path limitsDir() {
    return moduleDir().resolve("limits");
  }

  /** A fixture under src/test/resources, e.g. {@code negative/bad-enum.yaml}. */
  static Path fixture(String name) {
    URL url = EnvoyFiles.class.getResource("/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no fixture " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(url.toString(), e);
    }
  }
}
