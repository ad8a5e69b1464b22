package io.egressratelimit.settings;

import io.egressratelimit.metrics.DogStatsdMogrifier;
import io.egressratelimit.metrics.StatsdSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;

/** envoyproxy/ratelimit's statsd and DogStatsD settings, with its names. */
public final class StatsdOptions {
  private static final String MOGRIFIER_PREFIX = "DOG_STATSD_MOGRIFIER_";

  @Option(names = "--use-statsd", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:USE_STATSD:-false}",
      description = "Send envoyproxy/ratelimit's stats as statsd lines over UDP. Env: USE_STATSD.")
  boolean useStatsd;

  @Option(names = "--statsd-host", defaultValue = "${env:STATSD_HOST:-localhost}", paramLabel = "HOST",
      description = "The statsd agent. Env: STATSD_HOST.")
  String host;

  @Option(names = "--statsd-port", defaultValue = "${env:STATSD_PORT:-8125}", paramLabel = "PORT",
      description = "Its UDP port. Env: STATSD_PORT.")
  int port;

  @Option(names = "--use-dog-statsd", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      showDefaultValue = Help.Visibility.ALWAYS, converter = BooleanConverter.class,
      defaultValue = "${env:USE_DOG_STATSD:-false}",
      description = "Send DogStatsD lines (tags after |#) to the same agent; implies --use-statsd. "
          + "Env: USE_DOG_STATSD.")
  boolean useDogStatsd;

  @Option(names = "--use-dog-statsd-mogrifiers", defaultValue = "${env:USE_DOG_STATSD_MOGRIFIERS:-}",
      paramLabel = "NAME,...", description = "DogStatsD renamings to apply, each defined by "
          + "DOG_STATSD_MOGRIFIER_<NAME>_PATTERN, _NAME and _TAGS. Env: USE_DOG_STATSD_MOGRIFIERS.")
  String mogrifiers;

  @Option(names = "--extra-tags", defaultValue = "${env:EXTRA_TAGS:-}", paramLabel = "KEY:VALUE,...",
      description = "Tags on every stat. Env: EXTRA_TAGS.")
  String extraTags;

  @Option(names = "--stats-flush-interval", defaultValue = "${env:STATS_FLUSH_INTERVAL:-10s}",
      paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How often counters are sent. Env: STATS_FLUSH_INTERVAL.")
  Duration flushInterval;

  Optional<StatsdSettings> toSettings() {
    return toSettings(System::getenv);
  }

  Optional<StatsdSettings> toSettings(UnaryOperator<String> environment) {
    if (!useStatsd && !useDogStatsd) {
      return Optional.empty();
    }
    if (host.isBlank()) {
      throw new SettingsException("--statsd-host (STATSD_HOST) must not be empty");
    }
    SettingChecks.port("--statsd-port (STATSD_PORT)", port);
    SettingChecks.positive("--stats-flush-interval (STATS_FLUSH_INTERVAL)", flushInterval);
    return Optional.of(new StatsdSettings(host.trim(), port, useDogStatsd,
        keyValues("--extra-tags (EXTRA_TAGS)", extraTags), flushInterval, mogrifiers(environment)));
  }

  private List<DogStatsdMogrifier> mogrifiers(UnaryOperator<String> environment) {
    List<DogStatsdMogrifier> list = new ArrayList<>();
    for (String label : mogrifiers.split(",")) {
      label = label.trim();
      if (label.isEmpty()) {
        continue;
      }
      String prefix = MOGRIFIER_PREFIX + label + "_";
      String pattern = required(environment, prefix + "PATTERN", label);
      String name = required(environment, prefix + "NAME", label);
      Map<String, String> tags = keyValues(prefix + "TAGS", Optional.ofNullable(environment.apply(prefix + "TAGS"))
          .orElse(""));
      DogStatsdMogrifier mogrifier;
      try {
        mogrifier = new DogStatsdMogrifier(label, Pattern.compile(pattern), name, tags);
        mogrifier.checkReferences();
      } catch (PatternSyntaxException e) {
        throw new SettingsException(prefix + "PATTERN is not a regular expression: " + e.getDescription()
            + " in '" + pattern + "'");
      } catch (IllegalArgumentException e) {
        throw new SettingsException(prefix + "NAME or _TAGS: " + e.getMessage());
      }
      list.add(mogrifier);
    }
    return list;
  }

  private static String required(UnaryOperator<String> environment, String variable, String label) {
    String value = environment.apply(variable);
    if (value == null || value.isEmpty()) {
      throw new SettingsException("USE_DOG_STATSD_MOGRIFIERS names " + label + ", but " + variable + " is not set");
    }
    return value;
  }

  /** {@code key:value,key:value}, the map form envoyproxy/ratelimit's settings take. */
  static Map<String, String> keyValues(String setting, String text) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        throw new SettingsException(setting + " expects key:value pairs separated by commas, got '"
            + pair.trim() + "'");
      }
      pairs.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
    }
    return pairs;
  }
}
