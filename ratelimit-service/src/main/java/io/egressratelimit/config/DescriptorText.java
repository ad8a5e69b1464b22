package io.egressratelimit.config;

/** Descriptor keys and values end up in one-line dumps, metric names and bucket keys. */
final class DescriptorText {
  private DescriptorText() {}

  static String check(YamlValue value) throws ConfigException {
    String text = value.asText();
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        throw value.error("must not contain control characters such as a line break");
      }
    }
    return text;
  }
}
