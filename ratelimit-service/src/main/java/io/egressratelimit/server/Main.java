package io.egressratelimit.server;

import io.egressratelimit.logging.Redaction;
import io.egressratelimit.settings.ServeCommand;
import io.egressratelimit.settings.SettingsException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;

/** Process entry point: parses the command line and hands over to the composition root. */
public final class Main {
  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");

  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command and returns its exit code: 0 ok, 1 start-up or runtime failure, 2 bad settings. */
  static int execute(String... args) {
    CommandLine commandLine = new CommandLine(new ServeCommand(RateLimitServer::run));
    commandLine.addSubcommand("health", new HealthCommand());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setParameterExceptionHandler(Main::badSetting);
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof SettingsException) {
        cmd.getErr().println("ratelimit-service: " + Redaction.redact(e.getMessage()));
        return 2;
      }
      if (e instanceof StartupException) {
        cmd.getErr().println("ratelimit-service: " + Redaction.redact(e.getMessage()));
        return 1;
      }
      throw e;
    });
    return commandLine.execute(args);
  }

  /** One line naming the setting, and its environment variable since the value may have come from there. */
  private static int badSetting(ParameterException e, String[] args) {
    String message = e.getMessage();
    ArgSpec spec = e.getArgSpec();
    if (spec instanceof OptionSpec option && option.defaultValueString(false) != null) {
      Matcher env = ENV_DEFAULT.matcher(option.defaultValueString(false));
      if (env.find()) {
        message += " (flag " + option.longestName() + " or env " + env.group(1) + ")";
      }
    }
    e.getCommandLine().getErr().println("ratelimit-service: " + Redaction.redact(message)
        + "; see --help");
    return 2;
  }
}
