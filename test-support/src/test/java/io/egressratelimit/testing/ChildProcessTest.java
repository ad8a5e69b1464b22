package io.egressratelimit.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {
  @TempDir Path dir;

  @Test
  void aProcessThatDiesBeforeItIsReadySaysHowItEndedAndWhatItWrote() {
    try (ChildProcess dying = ChildProcess.start("dying", List.of("sh", "-c", "echo no config; exit 3"),
        Optional.empty(), dir.resolve("dying.log"))) {
      IllegalStateException failure = assertThrows(IllegalStateException.class,
          () -> dying.awaitReady("healthy", Duration.ofSeconds(30), () -> false));
      assertEquals("dying exited with 3 before healthy; its output:\nno config\n", failure.getMessage());
    }
  }

  @Test
  void aCleanEnvironmentHoldsOnlyPathAndWhatTheTestPasses() {
    try (ChildProcess env = ChildProcess.start("env", List.of("sh", "-c", "env | sort"),
        Optional.of(Map.of("GRPC_PORT", "0")), dir.resolve("env.log"))) {
      assertEquals(0, env.awaitExit(Duration.ofSeconds(30)));
      List<String> names = env.output().lines().map(line -> line.substring(0, line.indexOf('='))).toList();
      assertTrue(names.containsAll(List.of("GRPC_PORT", "PATH")), env.output());
      assertTrue(names.stream().allMatch(name -> List.of("GRPC_PORT", "PATH", "PWD", "SHLVL", "_").contains(name)),
          env.output());
    }
  }
}
