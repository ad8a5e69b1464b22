package io.egressratelimit.loadgen.bench;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * A run's figures as the one JSON line scripts/bench.sh records: {@code workload, target, rate,
 * sent, ok, over, errors, seconds, rps, p50_ms, p99_ms, p999_ms, max_ms, warmup_decisions}, then
 * {@code service_cpu_ticks} and {@code redis_cpu_ticks} when those processes were named, and
 * {@code serving_ms} for a cold start. {@code warmup_decisions} counts the OK and OVER_LIMIT answers
 * to warm-up calls, for a server-side count (Redis commands) taken over the whole run.
 */
public final class BenchResult {
  private final BenchOptions options;
  private final Tally tally;
  private final long serviceCpuTicks;
  private final long redisCpuTicks;
  private final OptionalLong servingMillis;

  BenchResult(BenchOptions options, Tally tally, long serviceCpuTicks, long redisCpuTicks, OptionalLong servingMillis) {
    this.options = options;
    this.tally = tally;
    this.serviceCpuTicks = serviceCpuTicks;
    this.redisCpuTicks = redisCpuTicks;
    this.servingMillis = servingMillis;
  }

  BenchResult withServingMillis(long millis) {
    return new BenchResult(options, tally, serviceCpuTicks, redisCpuTicks, OptionalLong.of(millis));
  }

  /**
   * A timed run lasts at least its duration; bursts, and a run that --calls may end sooner, last
   * until their last answer (so the rate of a walk over users is its own, not its time bound's).
   */
  double seconds() {
    double toLastAnswer = tally.secondsToLastAnswer();
    return options.bursting() || options.calls() > 0 ? Math.max(1e-3, toLastAnswer)
        : Math.max(options.duration().toNanos() / 1e9, toLastAnswer);
  }

  public String toJson() {
    double seconds = seconds();
    long[] sorted = tally.sortedLatencies();
    Tally.Counts counts = tally.counts();
    return String.format(Locale.ROOT, "{\"workload\":\"%s\",\"target\":\"%s\",\"rate\":%s,\"sent\":%d,\"ok\":%d,"
            + "\"over\":%d,\"errors\":%d,\"seconds\":%.2f,\"rps\":%d,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
            + "\"max_ms\":%.3f,\"warmup_decisions\":%d%s%s%s}",
        options.workload().label(), options.target(), plain(options.rate()), counts.sent(), counts.ok(),
        counts.over(), counts.errors(), seconds, Math.round(counts.answered() / seconds),
        percentileMillis(sorted, 50), percentileMillis(sorted, 99), percentileMillis(sorted, 99.9),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6, counts.warmupDecisions(),
        options.servicePid() > 0 ? ",\"service_cpu_ticks\":" + serviceCpuTicks : "",
        options.redisPid() > 0 ? ",\"redis_cpu_ticks\":" + redisCpuTicks : "",
        servingMillis.isPresent() ? ",\"serving_ms\":" + servingMillis.getAsLong() : "");
  }

  private static String plain(double number) {
    return number == Math.rint(number) ? Long.toString((long) number) : Double.toString(number);
  }

  /** The nearest-rank percentile of latencies sorted ascending, in milliseconds; 0 when there are none. */
  static double percentileMillis(long[] sorted, double percentile) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) (percentile / 100 * sorted.length))] / 1e6;
  }
}
