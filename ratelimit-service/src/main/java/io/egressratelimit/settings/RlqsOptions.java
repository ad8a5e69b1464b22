package io.egressratelimit.settings;

import io.egressratelimit.rlqs.ledger.QuotaTiming;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The times the Rate Limit Quota Service's bound rests on (docs/rlqs.md). */
public final class RlqsOptions {
  static final QuotaTiming DEFAULT_TIMING = new QuotaTiming(Duration.ofSeconds(10), Duration.ofSeconds(1));

  @Option(names = "--rlqs-assignment-ttl", defaultValue = "${env:RLQS_ASSIGNMENT_TTL:-10s}", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "assignment_time_to_live of every RLQS assignment: whole seconds, at least 2s, and above Envoy "
          + "1.40's 5s report interval plus the delivery allowance, or shares expire before they are renewed. An Envoy "
          + "that vanishes gives its share back this long (plus the delivery allowance) after its last assignment. "
          + "Env: RLQS_ASSIGNMENT_TTL.")
  Duration ttl;

  @Option(names = "--rlqs-delivery-allowance", defaultValue = "${env:RLQS_DELIVERY_ALLOWANCE:-1s}",
      paramLabel = "DURATION", converter = DurationConverter.class,
      description = "The longest time from recording an RLQS assignment to Envoy applying it; a replaced share "
          + "is counted as in use this long after its replacement. Below the TTL. Env: RLQS_DELIVERY_ALLOWANCE.")
  Duration delivery;

  QuotaTiming toSettings() {
    try {
      return new QuotaTiming(ttl, delivery);
    } catch (IllegalArgumentException e) {
      throw new SettingsException("--rlqs-assignment-ttl / --rlqs-delivery-allowance (RLQS_ASSIGNMENT_TTL, "
          + "RLQS_DELIVERY_ALLOWANCE): " + e.getMessage());
    }
  }
}
