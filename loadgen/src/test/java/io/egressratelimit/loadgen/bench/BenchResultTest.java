package io.egressratelimit.loadgen.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.egressratelimit.loadgen.rls.RlsTarget;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class BenchResultTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void writesTheFieldsTheBenchmarkRecordsInOrder() {
    Tally tally = new Tally(0);
    for (int i = 1; i <= 100; i++) {
      tally.sent();
      tally.answered(i == 100 ? Answer.OVER : Answer.OK, i * 1_000_000L, SECOND);
    }
    tally.warmupDecision();
    BenchResult result = new BenchResult(options(Duration.ofSeconds(2), 0, 200, 7, 9), tally, 40, 12,
        OptionalLong.empty());

    assertEquals("{\"workload\":\"keys10k\",\"target\":\"127.0.0.1:8081\",\"rate\":200,\"sent\":100,\"ok\":99,"
        + "\"over\":1,\"errors\":0,\"seconds\":2.00,\"rps\":50,\"p50_ms\":51.000,\"p99_ms\":100.000,"
        + "\"p999_ms\":100.000,\"max_ms\":100.000,\"warmup_decisions\":1,\"service_cpu_ticks\":40,"
        + "\"redis_cpu_ticks\":12}", result.toJson());
  }

  @Test
  void aColdStartAddsWhenItWasServingAndProcessesNotNamedAddNothing() {
    BenchResult result = new BenchResult(options(Duration.ofSeconds(1), 0, 0.5, 0, 0), new Tally(0), -1, -1,
        OptionalLong.empty()).withServingMillis(812);

    assertEquals("{\"workload\":\"keys10k\",\"target\":\"127.0.0.1:8081\",\"rate\":0.5,\"sent\":0,\"ok\":0,"
        + "\"over\":0,\"errors\":0,\"seconds\":1.00,\"rps\":0,\"p50_ms\":0.000,\"p99_ms\":0.000,"
        + "\"p999_ms\":0.000,\"max_ms\":0.000,\"warmup_decisions\":0,\"serving_ms\":812}", result.toJson());
  }

  @Test
  void aTimedRunLastsAtLeastItsDurationAndBurstsOrCallsUntilTheirLastAnswer() {
    Tally tally = new Tally(SECOND);
    tally.sent();
    tally.answered(Answer.OK, 1_000, SECOND + SECOND / 4);

    assertEquals(3.0, new BenchResult(options(Duration.ofSeconds(3), 0, 0, 0, 0), tally, -1, -1,
        OptionalLong.empty()).seconds());
    assertEquals(0.25, new BenchResult(options(Duration.ofSeconds(3), 5, 0, 0, 0), tally, -1, -1,
        OptionalLong.empty()).seconds());
    BenchOptions endedByCalls = new BenchOptions(RlsTarget.parse("127.0.0.1:8081"), Workload.USERS, 4, 32,
        Duration.ofSeconds(300), 0, "bench", Duration.ZERO, 1, Duration.ZERO, 0, 50, 0, 0, 0, 1);
    assertEquals(0.25, new BenchResult(endedByCalls, tally, -1, -1, OptionalLong.empty()).seconds(),
        "a run of --calls that ended before its 300 s lasts until its last answer");
  }

  @Test
  void percentilesAreNearestRankOfTheSortedLatencies() {
    long[] sorted = {1_000_000, 2_000_000, 3_000_000, 4_000_000};
    assertEquals(3.0, BenchResult.percentileMillis(sorted, 50));
    assertEquals(4.0, BenchResult.percentileMillis(sorted, 99.9));
    assertEquals(0.0, BenchResult.percentileMillis(new long[0], 50));
  }

  @Test
  void talliesOfSeveralLoopsMergeCountsAndLatencies() {
    Tally first = new Tally(0);
    first.sent();
    first.answered(Answer.OK, 5, 10);
    Tally second = new Tally(0);
    second.sent();
    second.sent();
    second.answered(Answer.ERROR, 7, 30);
    second.unanswered();

    first.add(second);

    assertEquals(new Tally.Counts(3, 1, 0, 2, 2, 0), first.counts());
    assertEquals(30e-9, first.secondsToLastAnswer(), 1e-15);
    assertEquals(7, first.sortedLatencies()[1]);
  }

  static BenchOptions options(Duration duration, int bursts, double rate, long servicePid, long redisPid) {
    return new BenchOptions(RlsTarget.parse("127.0.0.1:8081"), Workload.KEYS10K, 4, 32, duration, rate, "bench",
        Duration.ZERO, 1, Duration.ZERO, bursts, 50, 0, servicePid, redisPid, 0);
  }
}
