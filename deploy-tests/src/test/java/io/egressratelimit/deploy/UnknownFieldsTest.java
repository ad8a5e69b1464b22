package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnknownFieldsTest {

  @Test
  void misspelledFieldsAreFoundAtAnyDepth() {
    String yaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replica: 2
          template:
            spec:
              containers:
                - name: app
                  image: example
                  securityContext:
                    readOnlyRootFileSystem: true
        """;
    HasMetadata deployment = KubernetesYaml.parseAll(yaml, "test").get(0);

    assertEquals(
        List.of(
            "Deployment.spec.template.spec.containers[0].securityContext: [readOnlyRootFileSystem]",
            "Deployment.spec: [replica]"),
        UnknownFields.in(deployment, "Deployment").stream().sorted().toList());
  }

  @Test
  void aCorrectResourceHasNone() {
    String yaml = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: limits
          labels: {a: b}
        data:
          x.yaml: "domain: geocode"
        """;
    assertEquals(List.of(), UnknownFields.in(KubernetesYaml.parseAll(yaml, "test").get(0), "ConfigMap"));
  }
}
