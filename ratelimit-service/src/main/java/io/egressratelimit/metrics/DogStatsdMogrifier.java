package io.egressratelimit.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * envoyproxy/ratelimit's DogStatsD mogrifier: a stat whose name matches {@code pattern} is sent
 * under {@code name} with {@code tags}, where {@code $0}, {@code $1}... stand for the match and
 * its groups. It turns {@code ratelimit.service.rate_limit.geocode.generic_key.total_hits} into
 * {@code ratelimit.service.rate_limit.total_hits} tagged {@code domain:geocode}, for instance.
 *
 * @param label the mogrifier's name in {@code USE_DOG_STATSD_MOGRIFIERS}, for messages
 */
public record DogStatsdMogrifier(String label, Pattern pattern, String name, Map<String, String> tags) {
  private static final Pattern GROUP_REFERENCE = Pattern.compile("\\$(\\d+)");

  /** A stat's DogStatsD name and its tags. */
  public record Renamed(String name, Map<String, String> tags) {}

  public DogStatsdMogrifier {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(name, "name");
    tags = Map.copyOf(tags);
  }

  /** The groups a template may name must exist, so a typo fails at start-up rather than at the first stat. */
  public void checkReferences() {
    int groups = pattern.matcher("").groupCount();
    checkTemplate(name, groups);
    tags.values().forEach(value -> checkTemplate(value, groups));
  }

  private void checkTemplate(String template, int groups) {
    Matcher reference = GROUP_REFERENCE.matcher(template);
    while (reference.find()) {
      if (Integer.parseInt(reference.group(1)) > groups) {
        throw new IllegalArgumentException("mogrifier " + label + " refers to $" + reference.group(1)
            + " but its pattern has " + groups + " group(s)");
      }
    }
  }

  Optional<Renamed> apply(String statName) {
    Matcher match = pattern.matcher(statName);
    if (!match.find()) {
      return Optional.empty();
    }
    Map<String, String> renamedTags = new LinkedHashMap<>();
    tags.forEach((key, value) -> renamedTags.put(key, substitute(value, match)));
    return Optional.of(new Renamed(substitute(name, match), renamedTags));
  }

  private static String substitute(String template, Matcher match) {
    return GROUP_REFERENCE.matcher(template).replaceAll(reference -> {
      String group = match.group(Integer.parseInt(reference.group(1)));
      return Matcher.quoteReplacement(group == null ? "" : group);
    });
  }
}
