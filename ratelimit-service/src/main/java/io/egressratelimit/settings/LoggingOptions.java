package io.egressratelimit.settings;

import io.egressratelimit.logging.Logging;
import picocli.CommandLine.Option;

/** How the service logs: to stdout always, in plain text or one JSON object per line. */
public final class LoggingOptions {
  @Option(names = "--log-level", defaultValue = "${env:LOG_LEVEL:-info}", paramLabel = "LEVEL",
      converter = LevelConverter.class,
      description = "trace, debug, info, warn or error (envoyproxy/ratelimit's warning, fatal and panic too). "
          + "Env: LOG_LEVEL.")
  Logging.Level level;

  @Option(names = "--log-format", defaultValue = "${env:LOG_FORMAT:-text}", paramLabel = "FORMAT",
      description = "text, or json for one JSON object per line. Env: LOG_FORMAT.")
  Logging.Format format;

  /** Also reads the logrus names an envoyproxy/ratelimit Deployment may give. */
  static final class LevelConverter implements picocli.CommandLine.ITypeConverter<Logging.Level> {
    @Override
    public Logging.Level convert(String value) {
      return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "trace" -> Logging.Level.TRACE;
        case "debug" -> Logging.Level.DEBUG;
        case "info" -> Logging.Level.INFO;
        case "warn", "warning" -> Logging.Level.WARN;
        case "error", "fatal", "panic" -> Logging.Level.ERROR;
        default -> throw new picocli.CommandLine.TypeConversionException("'" + value
            + "' is not a log level; use trace, debug, info, warn or error");
      };
    }
  }

  void apply() {
    Logging.configure(level, format);
  }
}
