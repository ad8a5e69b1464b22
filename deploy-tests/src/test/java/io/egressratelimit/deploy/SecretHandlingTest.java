package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Secret values live in Secrets only, and reach containers only through secretKeyRef. */
class SecretHandlingTest {
  private static final String GIVEN_REDIS_PASSWORD = "pw-Redis-7f3a9c";
  private static final String GIVEN_API_KEY = "key-Geocode-19c2e4";

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void noConfigMapOrPlainEnvOrArgumentHoldsASecretValue(Scenario scenario) {
    Rendered rendered = ChartRenderer.render(scenario);
    List<String> secretValues = secretValues(rendered);

    for (ConfigMap configMap : rendered.all(ConfigMap.class)) {
      for (Map.Entry<String, String> entry : configMap.getData().entrySet()) {
        for (String secret : secretValues) {
          assertFalse(entry.getValue().contains(secret),
              "ConfigMap " + configMap.getMetadata().getName() + " key " + entry.getKey() + " holds a secret value");
        }
      }
    }
    for (PodTemplate pod : rendered.podTemplates()) {
      for (Container container : pod.allContainers()) {
        List<String> plain = new ArrayList<>(container.getArgs());
        plain.addAll(container.getCommand());
        container.getEnv().stream().map(EnvVar::getValue).filter(v -> v != null).forEach(plain::add);
        for (String secret : secretValues) {
          assertTrue(plain.stream().noneMatch(v -> v.contains(secret)),
              pod.owner() + " container " + container.getName() + " carries a secret value in plain text");
        }
      }
    }
  }

  @Test
  void valuesGivenToTheChartAppearOnlyBase64EncodedInSecrets() {
    Rendered rendered = Rendered.parse(ChartRenderer.template(c -> c
        .set("redis.auth.password", GIVEN_REDIS_PASSWORD)
        .set("loadgen.apiKey.value", GIVEN_API_KEY)));

    assertFalse(rendered.yaml().contains(GIVEN_REDIS_PASSWORD));
    assertFalse(rendered.yaml().contains(GIVEN_API_KEY));
    assertEquals(GIVEN_REDIS_PASSWORD, decoded(rendered.get(Secret.class, "redis"), "redis-password"));
    assertEquals(GIVEN_API_KEY, decoded(rendered.get(Secret.class, "loadgen"), "api-key"));
  }

  @Test
  void withoutAPasswordTheChartGeneratesALongRandomOne() {
    String first = decoded(ChartRenderer.render(Scenario.DEFAULTS).get(Secret.class, "redis"), "redis-password");
    String second = decoded(Rendered.parse(ChartRenderer.template(c -> c)).get(Secret.class, "redis"), "redis-password");

    assertTrue(first.matches("[A-Za-z0-9]{32}"), "generated password: 32 letters and digits");
    assertFalse(first.equals(second), "two installs must not share a password");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Scenario.class)
  void credentialsReachContainersThroughSecretKeyRefsToExistingSecrets(Scenario scenario) {
    Rendered rendered = ChartRenderer.render(scenario);
    String redisSecret = scenario == Scenario.EXTERNAL_REDIS ? "shared-redis-auth"
        : scenario == Scenario.EXISTING_SECRETS ? "egress-ratelimit-redis" : "demo-egress-ratelimit-redis";
    String redisKey = scenario == Scenario.EXTERNAL_REDIS ? "password" : "redis-password";
    String apiKeySecret = scenario == Scenario.EXISTING_SECRETS ? "geocode-api-key" : "demo-egress-ratelimit-loadgen";

    assertSecretRef(rendered, env(rendered, "ratelimit", "ratelimit", "REDIS_AUTH"), redisSecret, redisKey);
    assertSecretRef(rendered, env(rendered, "loadgen", "loadgen", "GEOCODE_API_KEY"), apiKeySecret, "api-key");
    if (scenario != Scenario.EXTERNAL_REDIS) {
      assertSecretRef(rendered, env(rendered, "redis", "redis", "REDIS_PASSWORD"), redisSecret, redisKey);
    }
  }

  private static void assertSecretRef(Rendered rendered, EnvVar env, String secret, String key) {
    assertNull(env.getValue(), env.getName() + " must not be a plain value");
    assertNotNull(env.getValueFrom().getSecretKeyRef(), env.getName() + " must come from a Secret");
    assertEquals(secret, env.getValueFrom().getSecretKeyRef().getName(), env.getName());
    assertEquals(key, env.getValueFrom().getSecretKeyRef().getKey(), env.getName());
    Optional<Secret> inRelease = rendered.all(Secret.class).stream()
        .filter(s -> s.getMetadata().getName().equals(secret)).findFirst();
    boolean userManaged = !secret.startsWith(ChartRenderer.RELEASE + "-");
    assertTrue(userManaged || inRelease.isPresent(), env.getName() + " refers to Secret " + secret + ", which the chart does not create");
    inRelease.ifPresent(s -> assertTrue(s.getData().containsKey(key), "Secret " + secret + " has no key " + key));
  }

  static EnvVar env(Rendered rendered, String component, String container, String name) {
    return rendered.podTemplate(component).allContainers().stream()
        .filter(c -> c.getName().equals(container))
        .flatMap(c -> c.getEnv().stream())
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(component + "/" + container + " has no env " + name));
  }

  private static List<String> secretValues(Rendered rendered) {
    List<String> values = new ArrayList<>();
    for (Secret secret : rendered.all(Secret.class)) {
      secret.getData().keySet().forEach(key -> values.add(decoded(secret, key)));
      values.addAll(secret.getStringData().values());
    }
    values.removeIf(String::isEmpty);
    return values;
  }

  private static String decoded(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }
}
