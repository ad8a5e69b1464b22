package io.egressratelimit.server;

import io.egressratelimit.logging.Logging;
import picocli.CommandLine.Option;

/** How the service logs: to stdout always, in plain text or one JSON object per line. */
final class LoggingOptions {
  @Option(names = "--log-level", defaultValue = "${env:LOG_LEVEL:-info}", paramLabel = "LEVEL",
      description = "trace, debug, info, warn or error. Env: LOG_LEVEL.")
  Logging.Level level;

  @Option(names = "--log-format", defaultValue = "${env:LOG_FORMAT:-text}", paramLabel = "FORMAT",
      description = "text, or json for one JSON object per line. Env: LOG_FORMAT.")
  Logging.Format format;

  void apply() {
    Logging.configure(level, format);
  }
}
