package io.egressratelimit.config;

import java.util.Objects;

/**
 * The text of one limits file as read, named as error messages name it. Two reads that give equal
 * sources give the same config, which is how a reload tells a real change from a touched file.
 */
public record ConfigSource(String fileName, String text) {
  public ConfigSource {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(text, "text");
  }
}
