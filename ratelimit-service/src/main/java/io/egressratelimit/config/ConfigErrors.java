package io.egressratelimit.config;

/**
 * Builds the one message format every config failure uses: {@code file: path: reason (line N)}.
 * Kept in one place so a test can hold every message to the same shape.
 */
final class ConfigErrors {
  /** Shown where a failure concerns the whole document rather than a key inside it. */
  static final String DOCUMENT = "(document)";

  private ConfigErrors() {}

  static ConfigException at(String fileName, String path, String reason, int line) {
    String where = path.isEmpty() ? DOCUMENT : path;
    String suffix = line > 0 ? " (line " + line + ")" : "";
    return new ConfigException(fileName + ": " + where + ": " + reason + suffix);
  }
}
