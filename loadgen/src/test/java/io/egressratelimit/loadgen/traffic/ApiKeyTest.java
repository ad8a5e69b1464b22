package io.egressratelimit.loadgen.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyTest {
  @TempDir Path dir;

  @Test
  void fileWinsOverTheEnvironmentAndLosesItsTrailingNewline() throws IOException {
    Path file = Files.writeString(dir.resolve("key"), "from-file\n");
    ApiKey key = ApiKey.resolve(file, Map.of(ApiKey.ENV_VAR, "from-env")).orElseThrow();
    assertEquals("from-file", key.reveal());
  }

  @Test
  void environmentWhenNoFile() {
    assertEquals("from-env", ApiKey.resolve(null, Map.of(ApiKey.ENV_VAR, "from-env")).orElseThrow().reveal());
    assertTrue(ApiKey.resolve(null, Map.of()).isEmpty());
    assertTrue(ApiKey.resolve(null, Map.of(ApiKey.ENV_VAR, "  ")).isEmpty());
  }

  @Test
  void neverShowsItself() {
    ApiKey key = ApiKey.resolve(null, Map.of(ApiKey.ENV_VAR, "s3cr3t")).orElseThrow();
    assertFalse(key.toString().contains("s3cr3t"));
  }

  @Test
  void missingFileIsNamedInTheMessage() {
    Path missing = dir.resolve("nope");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiKey.resolve(missing, Map.of()));
    assertEquals("--api-key-file " + missing + ": no such file", e.getMessage());
  }

  @Test
  void emptyOrMultiLineFileIsRefusedWithoutShowingItsContent() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertEquals(
        "--api-key-file " + empty + ": the file is empty",
        assertThrows(IllegalArgumentException.class, () -> ApiKey.resolve(empty, Map.of())).getMessage());
    Path two = Files.writeString(dir.resolve("two"), "first-secret\nsecond\n");
    String message = assertThrows(IllegalArgumentException.class, () -> ApiKey.resolve(two, Map.of())).getMessage();
    assertFalse(message.contains("first-secret"), message);
  }
}
