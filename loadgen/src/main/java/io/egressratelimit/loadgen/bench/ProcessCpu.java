package io.egressratelimit.loadgen.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU a process on this machine has used so far, in clock ticks: utime + stime from
 * /proc/PID/stat. Divided by the decisions of a run it is stable on a shared machine where
 * throughput is not.
 */
final class ProcessCpu {
  /** What a process not asked about reads as. */
  static final long NOT_MEASURED = -1;

  private ProcessCpu() {}

  /** {@link #NOT_MEASURED} for pid 0. */
  static long ticks(long pid) throws BenchFailure {
    if (pid == 0) {
      return NOT_MEASURED;
    }
    try {
      return ticksIn(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException | RuntimeException e) {
      throw new BenchFailure("cannot read the CPU time of process " + pid + ": " + e.getMessage());
    }
  }

  /** After the command name in parentheses come fields 3 onwards; utime and stime are fields 14 and 15. */
  static long ticksIn(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
