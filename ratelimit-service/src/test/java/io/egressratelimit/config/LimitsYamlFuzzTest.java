package io.egressratelimit.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.egressratelimit.domain.DescriptorEntry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The limits loader on any bytes: it loads, or it fails with one {@link ConfigException} whose
 * message names the file and a path inside it, on one line. Any other exception is a finding.
 * Without JAZZER_FUZZ this replays the corpus in {@code LimitsYamlFuzzTestInputs/}.
 */
class LimitsYamlFuzzTest {
  /** {@code file: path: reason}, where the path is a key path or {@code (document)}. */
  private static final Pattern MESSAGE = Pattern.compile("fuzz\\.yaml: (\\(document\\)|[^:]+?|.+?): .+");

  @FuzzTest
  void loadsOrNamesFileAndPath(byte[] yaml) {
    String text = new String(yaml, StandardCharsets.UTF_8);
    RateLimitConfig config;
    try {
      config = ConfigParser.parse("fuzz.yaml", text);
    } catch (ConfigException e) {
      String message = e.getMessage();
      assertTrue(MESSAGE.matcher(message).matches(), "not 'file: path: reason': " + message);
      assertFalse(message.contains("\n"), "more than one line: " + message);
      return;
    }
    RulesDump.render(config);
    for (String domain : config.domains()) {
      config.match(domain, List.of(new DescriptorEntry("key", text.length() > 64 ? text.substring(0, 64) : text)));
    }
  }
}
