package io.egressratelimit.loadgen.cli;

import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine;

/** The top-level command: holds what every subcommand reads from its surroundings. */
@Command(
    name = "loadgen",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = LoadgenCommand.Version.class,
    subcommands = {HttpCommand.class, RlsCommand.class, RlqsCommand.class, UpstreamCommand.class, BenchCommand.class},
    description =
        "Backoff-aware load generator for a rate-limited Geocoding API, a stub upstream that counts"
            + " what reaches it, and a verdict on whether a budget held.",
    footer = {
      "",
      "Exit status: 0 budget held (or no --budget), 1 budget exceeded, 2 bad usage or an"
          + " unreachable endpoint, 3 nothing was admitted."
    })
public final class LoadgenCommand implements Runnable {
  private final Map<String, String> env;
  private final boolean terminal;

  @Spec CommandSpec spec;

  private LoadgenCommand(Map<String, String> env, boolean terminal) {
    this.env = Map.copyOf(env);
    this.terminal = terminal;
  }

  /**
   * @param env the environment variables (the API key may be one)
   * @param terminal whether output goes to a terminal, where the progress line redraws in place
   */
  public static int execute(String[] args, Map<String, String> env, boolean terminal, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new LoadgenCommand(env, terminal));
    Converters.registerAll(cli);
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(
        (e, args2) -> {
          CommandLine failed = e.getCommandLine();
          PrintWriter stderr = failed.getErr();
          stderr.println("loadgen: " + e.getMessage());
          UnmatchedArgumentException.printSuggestions(e, stderr);
          stderr.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
          stderr.flush();
          return ExitCodes.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof UserError) {
            commandLine.getErr().println("loadgen: " + e.getMessage());
            commandLine.getErr().flush();
            return ExitCodes.USAGE;
          }
          throw e;
        });
    return cli.execute(args);
  }

  Map<String, String> env() {
    return env;
  }

  boolean terminal() {
    return terminal;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** The version from the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = LoadgenCommand.class.getPackage().getImplementationVersion();
      return new String[] {"loadgen " + (version == null ? "(development build)" : version)};
    }
  }
}
