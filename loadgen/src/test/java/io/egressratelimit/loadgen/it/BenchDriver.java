package io.egressratelimit.loadgen.it;

import io.egressratelimit.loadgen.cli.LoadgenCommand;
import io.egressratelimit.testing.ChildProcess;
import io.egressratelimit.testing.JavaCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  /** One run in a fresh JVM of its own, as a newly started client would be; its stdout and stderr share one log. */
  static Result inFreshJvm(Path dir, String... args) {
    List<String> bench = new ArrayList<>(List.of("bench"));
    bench.addAll(List.of(args));
    Path log = dir.resolve("bench-" + System.nanoTime() + ".log");
    try (ChildProcess process = ChildProcess.start("loadgen bench",
        JavaCommand.mainClass(List.of(), "io.egressratelimit.loadgen.Main", bench), Optional.empty(), log)) {
      int exit = process.awaitExit(Duration.ofSeconds(60));
      return new Result(exit, process.output(), process.output());
    }
  }
}
