package io.egressratelimit.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The migration guide cannot drift from the settings the service reads. */
class MigrationGuideTest {
  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");
  private static final Pattern BACKTICKED = Pattern.compile("`([A-Z][A-Z0-9_]*\\*?)`");

  /** Every variable the service knows: its flags' variables, and envoyproxy/ratelimit's own. */
  private static Set<String> known() {
    Set<String> names = new HashSet<>(UpstreamVariables.names());
    names.addAll(UpstreamEnvironment.NAMES);
    new CommandLine(new ServeCommand(settings -> 0)).getCommandSpec().options().forEach(option -> {
      String fallback = option.defaultValueString(false);
      if (fallback != null) {
        Matcher env = ENV_DEFAULT.matcher(fallback);
        if (env.find()) {
          names.add(env.group(1));
        }
      }
    });
    return names;
  }

  @Test
  void everyVariableOfTheUpstreamDeploymentIsOneTheServiceKnows() {
    Map<String, String> env = MigrationGuide.environment();
    assertTrue(env.size() >= 8, env.toString());
    Set<String> unknown = new TreeSet<>(env.keySet());
    unknown.removeAll(known());
    assertEquals(Set.of(), unknown, "variables the guide's Deployment sets that the service does not read");
  }

  @Test
  void theUpstreamDeploymentsValuesAreAllAccepted() {
    List<String> notes = UpstreamVariables.judge(MigrationGuide.environment(), Set.of());
    assertTrue(notes.stream().allMatch(note -> note.contains(" is set and has no effect here: ")), notes.toString());
  }

  @Test
  void everyUpstreamVariableWithoutAFlagHasARowInTheGuide() {
    String guide = MigrationGuide.text();
    Set<String> documented = new HashSet<>();
    Matcher name = BACKTICKED.matcher(guide);
    while (name.find()) {
      documented.add(name.group(1));
    }
    Set<String> upstreamOnly = new HashSet<>(UpstreamVariables.names());
    upstreamOnly.addAll(UpstreamEnvironment.NAMES);
    Set<String> missing = new TreeSet<>();
    for (String variable : upstreamOnly) {
      boolean covered = documented.contains(variable) || documented.stream()
          .anyMatch(pattern -> pattern.endsWith("*") && variable.startsWith(pattern.substring(0, pattern.length() - 1)));
      if (!covered) {
        missing.add(variable);
      }
    }
    assertEquals(Set.of(), missing, "variables without a row in " + MigrationGuide.FILE);
  }
}
