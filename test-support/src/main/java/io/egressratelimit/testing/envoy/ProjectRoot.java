package io.egressratelimit.testing.envoy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root: the nearest directory above the test's working directory that holds setup.sh and pom.xml. */
final class ProjectRoot {
  private ProjectRoot() {}

  static Path find() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("setup.sh")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no setup.sh and pom.xml above " + Path.of("").toAbsolutePath()
        + ": run the tests from the repository");
  }
}
