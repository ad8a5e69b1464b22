package io.egressratelimit.server;

import picocli.CommandLine;

/** Process entry point: parses the command line and hands over to the composition root. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command and returns its exit code: 0 ok, 1 runtime failure, 2 bad settings. */
  static int execute(String... args) {
    CommandLine commandLine = new CommandLine(new ServeCommand());
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof SettingsException) {
        cmd.getErr().println("ratelimit-service: " + e.getMessage());
        return 2;
      }
      if (e instanceof StartupException) {
        cmd.getErr().println("ratelimit-service: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return commandLine.execute(args);
  }
}
