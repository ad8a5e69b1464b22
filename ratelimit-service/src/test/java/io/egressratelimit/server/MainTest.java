package io.egressratelimit.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up failures a user can cause: one readable line and the documented exit code. */
class MainTest {

  private static String[] runCapturingStderr(int[] exit, String... args) {
    PrintStream original = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit[0] = Main.execute(args);
    } finally {
      System.setErr(original);
    }
    return err.toString(StandardCharsets.UTF_8).strip().split("\n");
  }

  @Test
  void anInvalidConfigStopsStartUpWithItsMessageAndExitCodeOne(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("geocode.yaml");
    Files.writeString(config, "domain: geocode\ndescriptors:\n  - key: generic_key\n    rate_limit:\n"
        + "      unit: fortnight\n      requests_per_unit: 5\n");
    int[] exit = new int[1];
    String[] lines = runCapturingStderr(exit, "--config", config.toString(), "--grpc-port", "0", "--http-port", "0");
    assertEquals(1, exit[0]);
    assertEquals(1, lines.length, "one line, no stack trace");
    assertTrue(lines[0].startsWith("ratelimit-service: invalid limits config: "), lines[0]);
    assertTrue(lines[0].contains("descriptors[0].rate_limit.unit: invalid rate limit unit 'fortnight'"), lines[0]);
  }

  @Test
  void aMissingConfigIsASettingsErrorWithExitCodeTwo() {
    int[] exit = new int[1];
    String[] lines = runCapturingStderr(exit, "--grpc-port", "0");
    assertEquals(2, exit[0]);
    assertEquals("ratelimit-service: --config (or CONFIG_PATH) is required: the limits YAML file or directory",
        lines[0]);
  }

  @Test
  void aPortOutOfRangeIsASettingsErrorWithExitCodeTwo(@TempDir Path dir) {
    int[] exit = new int[1];
    String[] lines = runCapturingStderr(exit, "--config", dir.toString(), "--grpc-port", "70000");
    assertEquals(2, exit[0]);
    assertEquals("ratelimit-service: --grpc-port must be between 0 and 65535, got 70000", lines[0]);
  }
}
