package io.egressratelimit.deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric and label names one PromQL expression (or Grafana query) uses. Not a PromQL parser:
 * enough of the grammar for the chart's own expressions, where every name is one of ours.
 *
 * @param metrics series names, e.g. {@code ratelimit_decision_seconds_bucket}
 * @param labels label names in matchers, in {@code by}/{@code without}/{@code on}/{@code ignoring}
 *     clauses and in Grafana's {@code label_values(metric, label)}
 */
record PromQlNames(Set<String> metrics, Set<String> labels) {
  private static final Set<String> WORDS = Set.of(
      "sum", "min", "max", "avg", "count", "rate", "irate", "increase", "delta", "histogram_quantile", "vector",
      "clamp_min", "clamp_max", "abs", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
      "unless", "bool", "offset", "topk", "bottomk", "label_values", "time", "absent");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)}");
  private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_]\\w*)\\s*(?:=~|!~|!=|=)");
  private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)");
  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][\\w:]*)\\s*,\\s*(\\w+)\\s*\\)");
  private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][\\w:]*");

  static PromQlNames of(String expression) {
    Set<String> metrics = new LinkedHashSet<>();
    Set<String> labels = new LinkedHashSet<>();
    String rest = STRING.matcher(expression).replaceAll("\"\"");
    Matcher labelValues = LABEL_VALUES.matcher(rest);
    while (labelValues.find()) {
      metrics.add(labelValues.group(1));
      labels.add(labelValues.group(2));
    }
    rest = labelValues.replaceAll(" ");
    Matcher matchers = MATCHERS.matcher(rest);
    while (matchers.find()) {
      Matcher label = MATCHER_LABEL.matcher(matchers.group(1));
      while (label.find()) {
        labels.add(label.group(1));
      }
    }
    rest = matchers.replaceAll(" ");
    Matcher grouping = GROUPING.matcher(rest);
    while (grouping.find()) {
      for (String label : grouping.group(1).split(",")) {
        if (!label.isBlank()) {
          labels.add(label.trim());
        }
      }
    }
    rest = RANGE.matcher(grouping.replaceAll(" ")).replaceAll(" ");
    Matcher identifier = IDENTIFIER.matcher(rest);
    while (identifier.find()) {
      if (!WORDS.contains(identifier.group())) {
        metrics.add(identifier.group());
      }
    }
    return new PromQlNames(metrics, labels);
  }
}
