package io.egressratelimit.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** Renders the chart offline with helm-java, the way {@code helm template} does. */
final class ChartRenderer {
  static final String RELEASE = "demo";
  static final String NAMESPACE = "egress-ratelimit";
  /** helm-java assumes Kubernetes v1.20 unless told, older than the chart's kubeVersion. */
  static final String KUBE_VERSION = "1.32.0";

  private static final String HOOK_ANNOTATION = "helm.sh/hook";
  static final String RENAMED_HOOK_ANNOTATION = "deploy-tests.egressratelimit.io/hook";

  private static final Map<Scenario, Rendered> RENDERED = new ConcurrentHashMap<>();
  private static Path renderableChart;

  private ChartRenderer() {}

  /** The chart rendered with one scenario's values, test pod included; rendered once per run. */
  static Rendered render(Scenario scenario) {
    return RENDERED.computeIfAbsent(
        scenario,
        s -> Rendered.parse(template(command -> s.valuesFile().map(command::withValuesFile).orElse(command))));
  }

  /**
   * Renders with the given options (values files, --set values). A value the schema refuses
   * makes helm fail: the exception message is helm's own error text.
   */
  static String template(UnaryOperator<TemplateCommand> options) {
    TemplateCommand command =
        new Helm(renderableChart())
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    return options.apply(command).call();
  }

  /**
   * helm-java's template() leaves out hook resources (the helm CLI prints them), so the helm test
   * pod would go unchecked. This copy of the chart renames the hook annotation in templates/tests,
   * which makes the test pod render like any other resource; everything else is the chart as is.
   */
  private static synchronized Path renderableChart() {
    if (renderableChart == null) {
      try {
        // Under target/ so that "mvn clean" removes it.
        Path copy = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chart-");
        Path source = RepoLayout.chart();
        try (Stream<Path> files = Files.walk(source)) {
          for (Path file : (Iterable<Path>) files::iterator) {
            Path target = copy.resolve(source.relativize(file).toString());
            if (Files.isDirectory(file)) {
              Files.createDirectories(target);
            } else if (file.startsWith(source.resolve("templates/tests"))) {
              Files.writeString(
                  target, Files.readString(file).replace(HOOK_ANNOTATION, RENAMED_HOOK_ANNOTATION));
            } else {
              Files.copy(file, target);
            }
          }
        }
        renderableChart = copy;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return renderableChart;
  }
}
