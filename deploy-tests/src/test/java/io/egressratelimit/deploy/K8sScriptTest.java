package io.egressratelimit.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** scripts/k8s.sh, run for real in its --dry-run mode, and shellcheck on it. */
class K8sScriptTest {
  private static final Path SCRIPT = RepoLayout.root().resolve("scripts/k8s.sh");

  private record Run(int exitCode, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("GEOCODE_API_KEY");
    builder.environment().putAll(env);
    Path out = Files.createTempFile("k8s-out", ".txt");
    Path err = Files.createTempFile("k8s-err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("k8s.sh did not finish");
    }
    Run run = new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return run;
  }

  @Test
  void aDryRunPrintsEveryStepInOrderAndUsesTheStubWithoutAKey() throws Exception {
    Run run = run(Map.of(), "--dry-run", "--cluster", "kind", "--name", "demo");

    assertEquals(0, run.exitCode(), run.err());
    List<String> steps = run.out().lines().filter(l -> l.startsWith("+ ")).toList();
    List<String> expectedStarts = List.of(
        "+ kind create cluster --name demo",
        "+ kubectl config use-context kind-demo",
        "+ mvn ",
        "+ kind load docker-image egress-ratelimit/ratelimit-service:",
        "+ kind load docker-image egress-ratelimit/loadgen:",
        "+ kubectl apply -f " + RepoLayout.manifests().resolve("namespace.yaml"),
        "+ helm upgrade --install egress-ratelimit " + RepoLayout.chart(),
        "+ helm test egress-ratelimit");
    assertEquals(expectedStarts.size(), steps.size(), run.out());
    for (int i = 0; i < steps.size(); i++) {
      assertTrue(steps.get(i).startsWith(expectedStarts.get(i)), "step " + i + ": " + steps.get(i));
    }
    assertTrue(steps.get(2).contains("jib:dockerBuild"), steps.get(2));
    assertTrue(steps.get(6).contains("--set stubUpstream.enabled=true"), steps.get(6));
    assertTrue(run.out().contains("component=loadgen") && run.out().contains("429"), "it must say how to watch the 429s");
  }

  @Test
  void anApiKeyGoesIntoASecretAndIsNeverPrinted() throws Exception {
    String key = "AIza-not-a-real-key-5d81";
    Run run = run(Map.of("GEOCODE_API_KEY", key), "--dry-run", "--cluster", "minikube");

    assertEquals(0, run.exitCode(), run.err());
    assertFalse(run.out().contains(key) || run.err().contains(key), "the API key was printed");
    assertTrue(run.out().contains("create secret generic geocode-api-key"), run.out());
    assertTrue(run.out().contains("--set loadgen.apiKey.existingSecret=geocode-api-key"), run.out());
    assertTrue(run.out().contains("+ minikube start -p egress-ratelimit --cni=calico"), run.out());
  }

  @Test
  void badArgumentsGetOneReadableLine() throws Exception {
    Run unknown = run(Map.of(), "--frobnicate");
    Run badCluster = run(Map.of(), "--cluster", "k3s", "--dry-run");

    assertEquals(1, unknown.exitCode());
    assertEquals("k8s: unknown option '--frobnicate' (see --help)\n", unknown.err());
    assertEquals(1, badCluster.exitCode());
    assertEquals("k8s: --cluster must be kind or minikube, not 'k3s'\n", badCluster.err());
  }

  @Test
  void shellcheckFindsNothing() throws Exception {
    boolean installed = new ProcessBuilder("sh", "-c", "command -v shellcheck").start().waitFor() == 0;
    assumeTrue(installed, "shellcheck is not installed here (apt-get install shellcheck); the script is not checked");
    Process process = new ProcessBuilder("shellcheck", SCRIPT.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertEquals(0, process.waitFor(), output);
  }
}
