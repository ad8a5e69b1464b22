package io.egressratelimit.testing.envoy;

import java.nio.file.Path;
import java.util.List;

/** Envoy's own verdict on a config file: {@code envoy --mode validate -c FILE}, which builds every listener, cluster and filter without serving. */
public record EnvoyValidation(boolean ok, String output) {
  private static final long TIMEOUT_SECONDS = 120;

  public static EnvoyValidation of(Path config) {
    Path binary = EnvoyBinary.require();
    EnvoyBinary.ProcessRun run = EnvoyBinary.ProcessRun.of(
        List.of(binary.toString(), "--mode", "validate", "-c", config.toString(), "--log-level", "warn"), TIMEOUT_SECONDS);
    return new EnvoyValidation(run.exitCode() == 0, run.output());
  }
}
