package io.egressratelimit.config;

import io.egressratelimit.domain.DescriptorEntry;
import io.egressratelimit.domain.Rule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Loading helpers shared by the config tests. */
public final class Fixtures {
  private Fixtures() {}

  static RateLimitConfig valid(String fileName) throws ConfigException {
    return ConfigParser.parse(fileName, text("/config/valid/" + fileName));
  }

  public static String text(String resource) {
    try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Entries from {@code "key=value"} strings; a string without {@code =} is a key with an empty value. */
  public static List<DescriptorEntry> entries(String... pairs) {
    List<DescriptorEntry> entries = new ArrayList<>();
    for (String pair : pairs) {
      int split = pair.indexOf('=');
      entries.add(split < 0 ? new DescriptorEntry(pair, "") : new DescriptorEntry(pair.substring(0, split),
          pair.substring(split + 1)));
    }
    return entries;
  }

  static Rule rule(RateLimitConfig config, String fullKey) {
    return config.rules().stream()
        .filter(rule -> rule.fullKey().equals(fullKey))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no rule " + fullKey + " in " + config.rules()));
  }
}
