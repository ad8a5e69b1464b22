package io.egressratelimit.loadgen.bench;

import io.egressratelimit.loadgen.rls.RlsTarget;
import java.time.Duration;
import java.util.Objects;

/**
 * One benchmark run, as the {@code bench} command was asked for it.
 *
 * @param inflight calls outstanding per connection at the most
 * @param rate calls per second on a timer (open loop); 0 keeps connections x inflight calls
 *     outstanding (closed loop)
 * @param warmup calls sent this long after the start are not counted
 * @param threads the event loop threads that share the connections
 * @param deadline sent as grpc-timeout, as Envoy sends its filter timeout; zero sends none
 * @param bursts when more than 0, replaces the timed run: this many bursts of {@code burstSize}
 *     calls sent at once, each on a key no earlier burst used
 * @param awaitServingSince when more than 0, the epoch milliseconds the service was started at: the
 *     run first waits for SERVING and reports how long after this it came
 * @param servicePid a process whose CPU over the counted part of the run is reported, or 0
 * @param redisPid likewise, for redis-server
 * @param calls when more than 0, sending stops after this many calls, before the duration is over
 *     if they are sent by then
 */
public record BenchOptions(
    RlsTarget target,
    Workload workload,
    int connections,
    int inflight,
    Duration duration,
    double rate,
    String domain,
    Duration warmup,
    int threads,
    Duration deadline,
    int bursts,
    int burstSize,
    long awaitServingSince,
    long servicePid,
    long redisPid,
    long calls) {

  public BenchOptions {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(deadline, "deadline");
    if (connections < 1 || inflight < 1 || threads < 1 || burstSize < 1) {
      throw new IllegalArgumentException("connections, inflight, threads and burstSize must be at least 1");
    }
    if (calls < 0) {
      throw new IllegalArgumentException("calls must not be negative");
    }
  }

  boolean bursting() {
    return bursts > 0;
  }

  /** Bursts are paced by their own answers, so one thread sends them all; no thread owns no connection. */
  int threadsUsed() {
    return bursting() ? 1 : Math.min(threads, connections);
  }

  /** The grpc-timeout header's value, in whole milliseconds where the deadline is one, or null for none. */
  String grpcTimeout() {
    if (deadline.isZero()) {
      return null;
    }
    long micros = deadline.toNanos() / 1_000;
    return micros % 1_000 == 0 ? micros / 1_000 + "m" : micros + "u";
  }
}
