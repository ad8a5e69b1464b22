package io.egressratelimit.loadgen.traffic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The Geocoding API key. It is a secret: {@link #toString()} never shows it, so it cannot leak
 * through a log line, an exception message or a summary by accident. Only the request builder reads
 * {@link #reveal()}.
 */
public final class ApiKey {
  public static final String ENV_VAR = "GEOCODE_API_KEY";

  private final String value;

  private ApiKey(String value) {
    this.value = value;
  }

  /**
   * The key from {@code --api-key-file} when given, else from {@value #ENV_VAR}; empty when
   * neither is set.
   *
   * @throws IllegalArgumentException with a message naming the file (never its content) when the
   *     file cannot be used
   */
  public static Optional<ApiKey> resolve(Path file, Map<String, String> env) {
    if (file != null) {
      return Optional.of(new ApiKey(readFile(file)));
    }
    String fromEnv = env.get(ENV_VAR);
    if (fromEnv == null || fromEnv.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new ApiKey(fromEnv.trim()));
  }

  private static String readFile(Path file) {
    String content;
    try {
      // a Kubernetes Secret mounted as a file usually ends with a newline; the key never does
      content = Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--api-key-file " + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException("--api-key-file " + file + ": cannot be read");
    }
    if (content.isEmpty()) {
      throw new IllegalArgumentException("--api-key-file " + file + ": the file is empty");
    }
    if (content.contains("\n")) {
      throw new IllegalArgumentException("--api-key-file " + file + ": expected one line holding the key");
    }
    return content;
  }

  String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "ApiKey[redacted]";
  }
}
