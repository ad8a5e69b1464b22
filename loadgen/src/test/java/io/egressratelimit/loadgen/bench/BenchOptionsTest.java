package io.egressratelimit.loadgen.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.egressratelimit.loadgen.rls.RlsTarget;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  @Test
  void theDeadlineIsSentAsEnvoySendsItsFilterTimeout() {
    assertEquals("20m", withDeadline(Duration.ofMillis(20)).grpcTimeout());
    assertEquals("1500u", withDeadline(Duration.ofMillis(1).plusNanos(500_000)).grpcTimeout());
    assertNull(withDeadline(Duration.ZERO).grpcTimeout());
  }

  @Test
  void burstsAreSentFromOneThreadAndNoThreadIsLeftWithoutAConnection() {
    assertEquals(1, BenchResultTest.options(Duration.ofSeconds(1), 3, 0, 0, 0).threadsUsed());
    BenchOptions many = new BenchOptions(RlsTarget.parse("127.0.0.1:8081"), Workload.HOT, 2, 32,
        Duration.ofSeconds(1), 0, "bench", Duration.ZERO, 8, Duration.ZERO, 0, 50, 0, 0, 0, 0);
    assertEquals(2, many.threadsUsed());
  }

  private static BenchOptions withDeadline(Duration deadline) {
    return new BenchOptions(RlsTarget.parse("127.0.0.1:8081"), Workload.HOT, 4, 32, Duration.ofSeconds(1), 0,
        "bench", Duration.ZERO, 1, deadline, 0, 50, 0, 0, 0, 0);
  }
}
