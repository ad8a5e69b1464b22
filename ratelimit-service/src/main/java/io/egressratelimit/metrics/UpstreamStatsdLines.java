package io.egressratelimit.metrics;

import io.micrometer.core.instrument.Statistic;
import io.micrometer.statsd.StatsdLineBuilder;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes one stat's lines exactly as envoyproxy/ratelimit's sinks do: {@code name:value|type},
 * with tags serialized into the name ({@code .__key=value}) for plain statsd, or after
 * {@code |#} for DogStatsD. Micrometer's own flavours would add a {@code statistic} tag.
 */
final class UpstreamStatsdLines implements StatsdLineBuilder {
  private static final Pattern SEPARATORS = Pattern.compile("[:|@#,\\s]");

  private final String prefix;
  private final String suffix;

  UpstreamStatsdLines(String rawName, Map<String, String> tags, boolean dogStatsd) {
    String name = clean(rawName);
    Map<String, String> sorted = new TreeMap<>();
    tags.forEach((key, value) -> sorted.put(clean(key), clean(value)));
    if (dogStatsd) {
      prefix = name + ":";
      suffix = sorted.isEmpty() ? "" : sorted.entrySet().stream()
          .map(tag -> tag.getKey() + ":" + tag.getValue()).collect(Collectors.joining(",", "|#", ""));
    } else {
      prefix = name + sorted.entrySet().stream()
          .map(tag -> ".__" + tag.getKey() + "=" + tag.getValue()).collect(Collectors.joining()) + ":";
      suffix = "";
    }
  }

  /** A descriptor value may hold the line's own separators; they would split or corrupt the line. */
  private static String clean(String text) {
    return SEPARATORS.matcher(text).replaceAll("_");
  }

  @Override
  public String count(long amount, Statistic stat) {
    return prefix + amount + "|c" + suffix;
  }

  @Override
  public String gauge(double amount, Statistic stat) {
    return prefix + (long) amount + "|g" + suffix;
  }

  @Override
  public String histogram(double amount) {
    return prefix + amount + "|h" + suffix;
  }

  @Override
  public String timing(double milliseconds) {
    return prefix + milliseconds + "|ms" + suffix;
  }
}
