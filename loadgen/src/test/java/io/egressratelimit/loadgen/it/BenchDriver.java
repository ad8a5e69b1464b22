package io.egressratelimit.loadgen.it;

import io.egressratelimit.loadgen.cli.LoadgenCommand;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code loadgen bench}, in this JVM or in a fresh one, and reads the JSON line it prints. */
final class BenchDriver {
  private BenchDriver() {}

  record Result(int exitCode, String stdout, String stderr) {
    String field(String name) {
      Matcher value = Pattern.compile("\"" + name + "\":([^,}]*)").matcher(stdout);
      if (!value.find()) {
        throw new AssertionError("no \"" + name + "\" in: " + stdout + stderr);
      }
      return value.group(1);
    }

    long number(String name) {
      return Long.parseLong(field(name));
    }
  }

  static Result inThisJvm(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> command = new ArrayList<>(List.of("bench"));
    command.addAll(List.of(args));
    int exit = LoadgenCommand.execute(command.toArray(String[]::new), Map.of(), false, new PrintWriter(out, true),
        new PrintWriter(err, true));
    return new Result(exit, out.toString(), err.toString());
  }

  /** One run in a fresh JVM of its own, as a newly started client would be. */
  static Result inFreshJvm(Path dir, String... args) throws IOException, InterruptedException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath.replace(File.pathSeparator + File.pathSeparator, File.pathSeparator),
        "io.egressratelimit.loadgen.Main", "bench"));
    command.addAll(List.of(args));
    Path stdout = Files.createTempFile(dir, "stdout", ".txt");
    Path stderr = Files.createTempFile(dir, "stderr", ".txt");
    Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("loadgen bench did not end within 60 s: " + String.join(" ", args));
    }
    return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }
}
