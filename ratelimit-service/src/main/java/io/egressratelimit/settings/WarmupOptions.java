package io.egressratelimit.settings;

import picocli.CommandLine.Option;

/** How much warm-up a replica runs before it reports SERVING. */
public final class WarmupOptions {
  @Option(names = "--warmup-calls", defaultValue = "${env:WARMUP_CALLS:-3000}", paramLabel = "N",
      description = "ShouldRateLimit calls a replica sends to its own gRPC port, in a reserved domain that spends no "
          + "budget, before its health turns SERVING (at most 2s of them); 0 turns SERVING once the store is connected. "
          + "Env: WARMUP_CALLS.")
  int calls;

  @Option(names = "--exit-when-ready", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      defaultValue = "${env:EXIT_WHEN_READY:-false}", converter = BooleanConverter.class,
      description = "Start, warm up, report SERVING, then drain and exit 0: the training run that records the JVM's "
          + "ahead-of-time cache (java -XX:AOTCacheOutput=FILE, JDK 25+). Env: EXIT_WHEN_READY.")
  boolean exitWhenReady;

  WarmupSettings toSettings() {
    if (calls < 0) {
      throw new SettingsException("--warmup-calls (WARMUP_CALLS) must not be negative, got " + calls);
    }
    return new WarmupSettings(calls, WarmupSettings.DEFAULT.inFlight(), WarmupSettings.DEFAULT.maxDuration(),
        exitWhenReady);
  }
}
