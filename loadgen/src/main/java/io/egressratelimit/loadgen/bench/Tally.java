package io.egressratelimit.loadgen.bench;

import java.util.Arrays;

/** Counts and latencies of the calls one event loop sent after the warm-up; merged at the end. */
final class Tally {
  /** Calls sent, answered OK, over the limit or with an error, answered at all, and warm-up decisions. */
  record Counts(long sent, long ok, long over, long errors, int answered, long warmupDecisions) {}

  private final long countFrom;
  private long sent;
  private long ok;
  private long over;
  private long errors;
  private long warmupDecisions;
  private long lastAnswer;
  private long[] latencies = new long[1 << 16];
  private int answered;

  Tally(long countFrom) {
    this.countFrom = countFrom;
  }

  void sent() {
    sent++;
  }

  void answered(Answer answer, long latencyNanos, long now) {
    switch (answer) {
      case OK -> ok++;
      case OVER -> over++;
      case ERROR -> errors++;
    }
    if (answered == latencies.length) {
      latencies = Arrays.copyOf(latencies, answered * 2);
    }
    latencies[answered++] = latencyNanos;
    lastAnswer = Math.max(lastAnswer, now);
  }

  /** A counted call that never got an answer: an error, with no latency to show. */
  void unanswered() {
    errors++;
  }

  /** A warm-up call that got a decision: counted apart, for server-side counts over the whole run. */
  void warmupDecision() {
    warmupDecisions++;
  }

  void add(Tally other) {
    sent += other.sent;
    ok += other.ok;
    over += other.over;
    errors += other.errors;
    warmupDecisions += other.warmupDecisions;
    lastAnswer = Math.max(lastAnswer, other.lastAnswer);
    if (answered + other.answered > latencies.length) {
      latencies = Arrays.copyOf(latencies, answered + other.answered);
    }
    System.arraycopy(other.latencies, 0, latencies, answered, other.answered);
    answered += other.answered;
  }

  /** The counts so far, in one value. */
  Counts counts() {
    return new Counts(sent, ok, over, errors, answered, warmupDecisions);
  }

  /** From the first counted call to the last answer. */
  double secondsToLastAnswer() {
    return (lastAnswer - countFrom) / 1e9;
  }

  long[] sortedLatencies() {
    long[] sorted = Arrays.copyOf(latencies, answered);
    Arrays.sort(sorted);
    return sorted;
  }
}
