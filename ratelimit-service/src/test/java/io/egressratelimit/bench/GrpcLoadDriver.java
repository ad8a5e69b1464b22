package io.egressratelimit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;

/** The benchmark's load driver, scripts/bench/GrpcLoad.java, compiled once and run as child processes. */
final class GrpcLoadDriver {
  private static final Path SCRIPT = Path.of("..", "scripts", "bench", "GrpcLoad.java");

  private final Path classes;

  private GrpcLoadDriver(Path classes) {
    this.classes = classes;
  }

  static GrpcLoadDriver compile(Path classes) {
    int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null,
        "-nowarn", "--release", "17", "-d", classes.toString(), "-cp", classPath(), SCRIPT.toString());
    assertEquals(0, compiled, "GrpcLoad.java does not compile against the service's classpath");
    return new GrpcLoadDriver(classes);
  }

  private static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  record Result(int exitCode, String stdout, String stderr) {
    String field(String name) {
      Matcher value = Pattern.compile("\"" + name + "\":([^,}]*)").matcher(stdout);
      if (!value.find()) throw new AssertionError("no \"" + name + "\" in: " + stdout + stderr);
      return value.group(1);
    }

    long number(String name) {
      return Long.parseLong(field(name));
    }
  }

  /** One run in a fresh JVM of its own, as a newly started client would be. */
  Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classes + java.io.File.pathSeparator + classPath(), "GrpcLoad"));
    command.addAll(List.of(args));
    Path stdout = Files.createTempFile(classes, "stdout", ".txt");
    Path stderr = Files.createTempFile(classes, "stderr", ".txt");
    Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("GrpcLoad did not end within 60 s: " + String.join(" ", args));
    }
    return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }
}
