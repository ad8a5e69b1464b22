package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json refuses bad values with a message that names the value and the rule. */
class ValuesSchemaTest {

  private static String refusal(UnaryOperator<TemplateCommand> values) {
    IllegalStateException error = assertThrows(IllegalStateException.class, () -> ChartRenderer.template(values));
    return error.getMessage();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      ratelimit.replicaCount    | -1         | at '/ratelimit/replicaCount': minimum: got -1, want 0
      ratelimit.replicas        | 3          | at '/ratelimit': additional properties 'replicas' not allowed
      securityContext.runAsUser | 0          | at '/securityContext/runAsUser': minimum: got 0, want 1
      loadgen.interval          | 1sec       | at '/loadgen/interval': '1sec' does not match pattern
      envoy.rateLimitTimeout    | 250ms      | at '/envoy/rateLimitTimeout': '250ms' does not match pattern
      redis.type                | replicated | at '/redis/type': value must be one of 'single', 'sentinel', 'cluster'
      redis.enabled             | false      | redis.external.url is required when redis.enabled is false
      envoy.rateLimitFilter     | rls        | at '/envoy/rateLimitFilter': value must be one of 'ratelimit', 'rate_limit_quota'
      ratelimit.rlqs.assignmentTtl | 10500ms | at '/ratelimit/rlqs/assignmentTtl': '10500ms' does not match pattern
      ratelimit.rlqs.assignmentTtl | 6s     | ratelimit.rlqs.assignmentTtl 6s must be longer than Envoy 1.40's 5s report interval plus ratelimit.rlqs.deliveryAllowance 1s
      """)
  void aBadValueIsRefusedWithAMessageThatNamesIt(String key, String value, String expected) {
    String message = refusal(c -> c.set(key, value));
    assertTrue(message.contains(expected), message);
  }

  @Test
  void aMisspelledFieldDeepInsideTheLimitsIsRefused() {
    String message = refusal(c -> c.withValuesFile(RepoLayout.valuesFile("invalid/misspelled-limit-field.yaml")));
    assertTrue(
        message.contains("at '/ratelimit/limits/geocode/descriptors/0/rate_limit': additional properties 'algoritm' not allowed"),
        message);
  }

  /** Every object in the schema says what else it accepts: nothing, or only values of one shape (maps). */
  @Test
  void everyObjectInTheSchemaIsClosed() throws IOException {
    Map<String, Object> schema = KubernetesYaml.parseMap(Files.readString(RepoLayout.chart().resolve("values.schema.json")));
    List<String> open = new ArrayList<>();
    findOpenObjects(schema, "#", open);
    assertEquals(List.of(), open);
    assertEquals(Boolean.FALSE, schema.get("additionalProperties"));
  }

  @SuppressWarnings("unchecked")
  private static void findOpenObjects(Object node, String path, List<String> open) {
    if (node instanceof Map<?, ?> map) {
      boolean isObject = "object".equals(map.get("type")) || map.containsKey("properties");
      if (isObject && !map.containsKey("additionalProperties")) {
        open.add(path);
      }
      ((Map<String, Object>) map).forEach((key, value) -> findOpenObjects(value, path + "/" + key, open));
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        findOpenObjects(list.get(i), path + "/" + i, open);
      }
    }
  }
}
