package io.egressratelimit.deploy;

import java.nio.file.Path;
import java.util.Optional;

/** The values the chart is rendered with: its defaults, and the other setups users pick. */
enum Scenario {
  DEFAULTS(null),
  EXTERNAL_REDIS("external-redis.yaml"),
  HPA("hpa.yaml"),
  STUB_UPSTREAM("stub-upstream.yaml"),
  EXISTING_SECRETS("existing-secrets.yaml"),
  MONITORING("monitoring.yaml"),
  RLQS("rlqs.yaml");

  private final String valuesFileName;

  Scenario(String valuesFileName) {
    this.valuesFileName = valuesFileName;
  }

  Optional<Path> valuesFile() {
    return Optional.ofNullable(valuesFileName).map(RepoLayout::valuesFile);
  }

  @Override
  public String toString() {
    return valuesFileName == null ? "default values" : valuesFileName;
  }
}
