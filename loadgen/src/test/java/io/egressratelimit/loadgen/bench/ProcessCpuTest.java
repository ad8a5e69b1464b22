package io.egressratelimit.loadgen.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {
  @Test
  void addsUserAndSystemTimeAfterACommandNameWithSpacesAndParentheses() {
    String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 56 0 0 20 0 30 0 900";
    assertEquals(1290, ProcessCpu.ticksIn(stat));
  }

  @Test
  void readsThisProcessAndSaysWhichProcessItCannotRead() throws BenchFailure {
    assertTrue(ProcessCpu.ticks(ProcessHandle.current().pid()) >= 0);
    assertEquals(ProcessCpu.NOT_MEASURED, ProcessCpu.ticks(0));
    BenchFailure gone = assertThrows(BenchFailure.class, () -> ProcessCpu.ticks(Integer.MAX_VALUE));
    assertTrue(gone.getMessage().startsWith("cannot read the CPU time of process " + Integer.MAX_VALUE + ": "),
        gone.getMessage());
  }
}
