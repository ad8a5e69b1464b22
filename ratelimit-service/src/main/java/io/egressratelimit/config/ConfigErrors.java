package io.egressratelimit.config;

/**
 * Builds the one message format every config failure uses: {@code file: path: reason (line N)}.
 * Kept in one place so a test can hold every message to the same shape.
 */
public final class ConfigErrors {
  /** Shown where a failure concerns the whole document rather than a key inside it. */
  static final String DOCUMENT = "(document)";

  private ConfigErrors() {}

  public static ConfigException at(String fileName, String path, String reason, int line) {
    String where = path.isEmpty() ? DOCUMENT : path;
    String suffix = line > 0 ? " (line " + line + ")" : "";
    return new ConfigException(fileName + ": " + oneLine(where) + ": " + oneLine(reason) + suffix);
  }

  /**
   * Keeps a message on one line: the YAML parser quotes the offending character, which may be a
   * line break, and a key may hold one. Control characters are shown as their hexadecimal escape.
   */
  private static String oneLine(String text) {
    StringBuilder line = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        line.append(String.format("\\u%04x", (int) c));
      } else {
        line.append(c);
      }
    }
    return line.toString();
  }
}
