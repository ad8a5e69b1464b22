package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.envoy.EnvoyValidation;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Envoy itself (the pinned binary, {@code envoy --mode validate}) accepts the Envoy config the chart
 * renders, with every set of values: both limiters (envoy.rateLimitFilter ratelimit and
 * rate_limit_quota), the stub upstream and the real API over TLS.
 */
class ChartEnvoyValidateIT {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void envoyAcceptsTheRenderedConfig(Scenario scenario) throws IOException {
    String envoyYaml = ChartRenderer.render(scenario).get(ConfigMap.class, "envoy").getData().get("envoy.yaml");
    Path file = Files.createTempFile("chart-envoy", ".yaml");
    try {
      Files.writeString(file, envoyYaml);
      EnvoyValidation validation = EnvoyValidation.of(file);
      assertTrue(validation.ok(), scenario + ":\n" + validation.output() + "\n" + envoyYaml);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
