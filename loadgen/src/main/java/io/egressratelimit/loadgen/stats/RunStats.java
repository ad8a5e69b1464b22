package io.egressratelimit.loadgen.stats;

import io.egressratelimit.loadgen.traffic.CallRecorder;
import io.egressratelimit.loadgen.traffic.CallResult;
import io.egressratelimit.loadgen.traffic.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Everything the workers of one run report, counted as they go. */
public final class RunStats implements CallRecorder {
  private final long startNanos;
  private final Map<Outcome, LongAdder> byOutcome = new EnumMap<>(Outcome.class);
  private final LongAdder rlsFailures = new LongAdder();
  private final LatencyRecorder latency = new LatencyRecorder();
  private final LatencyRecorder decisionLatency = new LatencyRecorder();
  private final LatencyRecorder upstreamLatency = new LatencyRecorder();
  private final ArrivalTimes admittedAt = new ArrivalTimes();
  private final Map<Integer, long[]> perSecond = new ConcurrentHashMap<>();

  public RunStats(long startNanos) {
    this.startNanos = startNanos;
    for (Outcome outcome : Outcome.values()) {
      byOutcome.put(outcome, new LongAdder());
    }
  }

  @Override
  public void record(CallResult result) {
    long now = System.nanoTime();
    byOutcome.get(result.outcome()).increment();
    if (result.rlsFailed()) {
      rlsFailures.increment();
    }
    latency.record(result.latencyNanos());
    if (result.decisionNanos() >= 0) {
      decisionLatency.record(result.decisionNanos());
    }
    if (result.upstreamNanos() >= 0) {
      upstreamLatency.record(result.upstreamNanos());
    }
    if (result.outcome() == Outcome.ADMITTED) {
      admittedAt.add(now);
    }
    int second = (int) ((now - startNanos) / 1_000_000_000L);
    long[] tally = perSecond.computeIfAbsent(second, s -> new long[3]);
    synchronized (tally) {
      tally[columnOf(result.outcome())]++;
    }
  }

  public long startNanos() {
    return startNanos;
  }

  public LatencyRecorder latency() {
    return latency;
  }

  /** The rate limit decisions alone; empty where they cannot be seen (through a real Envoy). */
  public LatencyRecorder decisionLatency() {
    return decisionLatency;
  }

  /** The upstream's answers alone; empty where they cannot be told apart from the decision. */
  public LatencyRecorder upstreamLatency() {
    return upstreamLatency;
  }

  public ArrivalTimes admittedAt() {
    return admittedAt;
  }

  public Counts counts() {
    long admitted = count(Outcome.ADMITTED);
    long rejected = count(Outcome.REJECTED);
    long server = count(Outcome.SERVER_ERROR);
    long other = count(Outcome.OTHER_STATUS);
    long failed = count(Outcome.FAILED);
    return new Counts(
        admitted + rejected + server + other + failed,
        admitted,
        rejected,
        server,
        other,
        failed,
        rlsFailures.sum());
  }

  /**
   * One entry per second from the start through {@code seconds - 1}, quiet seconds included.
   *
   * @param windowNanos the length of the trailing window counted in each entry
   */
  public List<SecondCounts> perSecond(int seconds, long windowNanos) {
    int[] inWindow = SlidingWindow.trailingCounts(admittedAt.sorted(), startNanos, windowNanos, seconds);
    List<SecondCounts> result = new ArrayList<>(seconds);
    for (int s = 0; s < seconds; s++) {
      long[] tally = perSecond.getOrDefault(s, new long[3]);
      synchronized (tally) {
        result.add(new SecondCounts(s, tally[0], tally[1], tally[2], inWindow[s]));
      }
    }
    return result;
  }

  private long count(Outcome outcome) {
    return byOutcome.get(outcome).sum();
  }

  private static int columnOf(Outcome outcome) {
    return switch (outcome) {
      case ADMITTED -> 0;
      case REJECTED -> 1;
      default -> 2;
    };
  }
}
