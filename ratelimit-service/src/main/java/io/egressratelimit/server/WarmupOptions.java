package io.egressratelimit.server;

import picocli.CommandLine.Option;

/** How much warm-up a replica runs before it reports SERVING. */
final class WarmupOptions {
  @Option(names = "--warmup-calls", defaultValue = "${env:WARMUP_CALLS:-3000}", paramLabel = "N",
      description = "ShouldRateLimit calls a replica sends to its own gRPC port, in a reserved domain that spends no "
          + "budget, before its health turns SERVING (at most 2s of them); 0 turns SERVING once the store is connected. "
          + "Env: WARMUP_CALLS.")
  int calls;

  WarmupSettings toSettings() {
    if (calls < 0) {
      throw new SettingsException("--warmup-calls (WARMUP_CALLS) must not be negative, got " + calls);
    }
    return new WarmupSettings(calls, WarmupSettings.DEFAULT.inFlight(), WarmupSettings.DEFAULT.maxDuration());
  }
}
