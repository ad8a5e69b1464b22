package io.egressratelimit.loadgen.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the command line in-process, as {@code java -jar loadgen.jar ARGS} would, and keeps its output. */
record CommandRun(int exitCode, String out, String err) {
  static CommandRun of(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = LoadgenCommand.execute(args, env, false, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CommandRun(code, out.toString(), err.toString());
  }

  static CommandRun of(String... args) {
    return of(Map.of(), args);
  }
}
