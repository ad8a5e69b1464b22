package io.egressratelimit.loadgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.testing.FreePort;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark driver's command line; its runs against a real service are in BenchIT. */
class BenchCommandTest {
  @TempDir Path dir;

  @Test
  void writesTheRequestFrameH2loadSends() throws Exception {
    Path frame = dir.resolve("hot.bin");
    CommandRun run = CommandRun.of("bench", "--workload", "hot", "--write-frame", frame.toString());
    assertEquals(0, run.exitCode(), run.err());
    byte[] bytes = Files.readAllBytes(frame);
    assertEquals(0, bytes[0], "uncompressed gRPC message");
    assertEquals(bytes.length - 5, ByteBuffer.wrap(bytes, 1, 4).getInt(), "gRPC length prefix");
    RateLimitRequest request = RateLimitRequest.parseFrom(Arrays.copyOfRange(bytes, 5, bytes.length));
    assertEquals("bench", request.getDomain());
    assertEquals("generic_key", request.getDescriptors(0).getEntries(0).getKey());
    assertEquals("hot", request.getDescriptors(0).getEntries(0).getValue());
  }

  @Test
  void aMisspelledWorkloadOrAFractionalCountIsAUsageError() {
    CommandRun misspelled = CommandRun.of("bench", "--workload", "cold");
    assertEquals(ExitCodes.USAGE, misspelled.exitCode());
    assertEquals("loadgen: Invalid value for option '--workload': 'cold' is not a workload: use hot, keys10k, over, users or hotuser",
        misspelled.err().lines().findFirst().orElseThrow());
    assertTrue(!misspelled.err().contains("\tat "), misspelled.err());

    CommandRun fraction = CommandRun.of("bench", "--bursts", "1.5");
    assertEquals(ExitCodes.USAGE, fraction.exitCode());
    assertEquals("loadgen: Invalid value for option '--bursts': '1.5' is not an int",
        fraction.err().lines().findFirst().orElseThrow());

    CommandRun none = CommandRun.of("bench", "--connections", "0");
    assertEquals(ExitCodes.USAGE, none.exitCode());
    assertEquals("loadgen: --connections must be at least 1", none.err().lines().findFirst().orElseThrow());
  }

  @Test
  void anUnreachableServiceIsOneLineAndNoStackTrace() {
    int closed = FreePort.find();
    CommandRun refused = CommandRun.of("bench", "--target", "127.0.0.1:" + closed, "--duration", "1s");
    assertEquals(ExitCodes.USAGE, refused.exitCode());
    assertTrue(refused.err().startsWith("loadgen: cannot connect to 127.0.0.1:" + closed + ": "), refused.err());
    assertEquals(1, refused.err().lines().count(), refused.err());
    assertEquals("", refused.out());
  }

  @Test
  void aFrameThatCannotBeWrittenSaysWhere() {
    Path nowhere = dir.resolve("missing").resolve("hot.bin");
    CommandRun run = CommandRun.of("bench", "--write-frame", nowhere.toString());
    assertEquals(ExitCodes.USAGE, run.exitCode());
    assertEquals("loadgen: cannot write --write-frame " + nowhere + ": no such directory\n", run.err());
  }
}
