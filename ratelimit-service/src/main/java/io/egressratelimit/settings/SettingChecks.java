package io.egressratelimit.settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The checks settings share; each failure is one line naming the setting and its environment variable. */
public final class SettingChecks {
  private SettingChecks() {}

  static void port(String setting, int port) {
    if (port < 0 || port > 65535) {
      throw new SettingsException(setting + " must be between 0 and 65535, got " + port);
    }
  }

  static void notNegative(String setting, Duration duration) {
    if (duration.isNegative()) {
      throw new SettingsException(setting + " must not be negative, got " + duration.toMillis() + "ms");
    }
  }

  static void positive(String setting, Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      throw new SettingsException(setting + " must be positive, got " + duration.toMillis() + "ms");
    }
  }

  /** A file the service must read at start-up: named, existing and readable. */
  public static Path readableFile(String setting, Path path) {
    if (!Files.isRegularFile(path)) {
      throw new SettingsException(setting + ": no such file: " + path);
    }
    if (!Files.isReadable(path)) {
      throw new SettingsException(setting + ": cannot read " + path);
    }
    return path;
  }

  /** An HTTP header name (an RFC 9110 token), as Envoy will accept it in response_headers_to_add. */
  static String headerName(String setting, String name) {
    if (name.isEmpty() || !name.chars().allMatch(SettingChecks::isTokenChar)) {
      throw new SettingsException(setting + " must be an HTTP header name, got '" + name + "'");
    }
    return name;
  }

  private static boolean isTokenChar(int c) {
    return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }
}
