package io.egressratelimit.deploy;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the chart, the raw manifests and the test values files live. */
final class RepoLayout {
  private RepoLayout() {}

  /** The repository root: the first directory upwards from the working directory with helm/Chart.yaml. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("helm/Chart.yaml"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "no helm/Chart.yaml above " + Path.of("").toAbsolutePath() + "; run the tests inside the repository");
  }

  static Path chart() {
    return root().resolve("helm");
  }

  static Path manifests() {
    return root().resolve("manifests");
  }

  /** A values file under src/test/resources/values/. */
  static Path valuesFile(String name) {
    URL url = RepoLayout.class.getResource("/values/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no test values file values/" + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
