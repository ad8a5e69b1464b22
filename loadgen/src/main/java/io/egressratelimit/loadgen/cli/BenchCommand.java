package io.egressratelimit.loadgen.cli;

import io.egressratelimit.loadgen.bench.BenchFailure;
import io.egressratelimit.loadgen.bench.BenchOptions;
import io.egressratelimit.loadgen.bench.BenchRun;
import io.egressratelimit.loadgen.bench.RequestFrames;
import io.egressratelimit.loadgen.bench.Workload;
import io.egressratelimit.loadgen.rls.RlsTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The benchmark's load driver: scripts/bench.sh runs it once per row of its table. */
@Command(
    name = "bench",
    sortOptions = false,
    description = {
      "Drive the rate limit service as hard as Envoy would, for the benchmark: unary ShouldRateLimit"
          + " calls over a few HTTP/2 connections with many streams in flight, each answer read and"
          + " counted (OK, OVER_LIMIT, error). Prints one JSON line: workload, target, rate, sent, ok,"
          + " over, errors, seconds, rps, p50_ms, p99_ms, p999_ms, max_ms, warmup_decisions, and"
          + " service_cpu_ticks, redis_cpu_ticks and serving_ms when asked for.",
      "Latency runs from a call's first byte written to its trailers read. It is a measurement, not"
          + " a test: it judges nothing."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--target", order = 1, defaultValue = "127.0.0.1:8081", paramLabel = "HOST:PORT",
      description = "The rate limit service, plaintext gRPC (default: ${DEFAULT-VALUE}).")
  RlsTarget target;

  @Option(names = "--workload", order = 2, defaultValue = "hot", paramLabel = "hot|keys10k|over|users|hotuser",
      description = "hot: one global budget; keys10k: 10,000 per-user budgets, one at random per call;"
          + " over: a budget spent by the first call; users: 1,000,000 per-user budgets in turn, each call the"
          + " next user; hotuser: the global budget and one of 10,000 users' in each call, which sit on two"
          + " masters of a Redis Cluster (default: ${DEFAULT-VALUE}).")
  Workload workload;

  @Option(names = "--connections", order = 3, defaultValue = "4", paramLabel = "N",
      description = "HTTP/2 connections (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(names = "--inflight", order = 4, defaultValue = "32", paramLabel = "N",
      description = "Calls outstanding per connection at the most (default: ${DEFAULT-VALUE}).")
  int inflight;

  @Option(names = "--duration", order = 5, defaultValue = "10s", paramLabel = "DURATION",
      description = "How long the counted part of the run lasts (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--rate", order = 6, defaultValue = "0", paramLabel = "CALLS_PER_SECOND",
      description = "0 keeps connections x inflight calls outstanding (closed loop); N sends N calls/s on a"
          + " timer, never more outstanding than that (open loop) (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--warmup", order = 7, defaultValue = "0s", paramLabel = "DURATION",
      description = "Calls sent this long before the counted part are answered but not counted (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--domain", order = 8, defaultValue = "bench", paramLabel = "NAME",
      description = "Rate limit domain, scripts/bench/limits.yaml's (default: ${DEFAULT-VALUE}).")
  String domain;

  @Option(names = "--threads", order = 9, defaultValue = "1", paramLabel = "N",
      description = "Event loop threads sharing the connections; one keeps up with the service on a 2-core"
          + " machine and leaves it the other core (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--deadline", order = 10, defaultValue = "0s", paramLabel = "DURATION",
      description = "Sent as grpc-timeout, as Envoy sends its filter timeout; 0s sends none (default: ${DEFAULT-VALUE}).")
  Duration deadline;

  @Option(names = "--bursts", order = 11, defaultValue = "0", paramLabel = "N",
      description = "Instead of a timed run: N bursts of --burst-size calls sent at once, each burst on a key no"
          + " earlier burst (or run) used, the next once the last answer of the previous one is in.")
  int bursts;

  @Option(names = "--burst-size", order = 12, defaultValue = "50", paramLabel = "N",
      description = "Calls per burst (default: ${DEFAULT-VALUE}).")
  int burstSize;

  @Option(names = "--await-serving-since", order = 13, defaultValue = "0", paramLabel = "EPOCH_MS",
      description = "First poll the RateLimitService's gRPC health every 5 ms until it says SERVING, then run,"
          + " and report serving_ms: how long after EPOCH_MS (when the service was started) that was.")
  long awaitServingSince;

  @Option(names = "--service-pid", order = 14, defaultValue = "0", paramLabel = "PID",
      description = "Report service_cpu_ticks: this process's CPU (utime + stime from /proc/PID/stat) over the"
          + " counted part of the run.")
  long servicePid;

  @Option(names = "--redis-pid", order = 15, defaultValue = "0", paramLabel = "PID",
      description = "Likewise, redis_cpu_ticks for redis-server.")
  long redisPid;

  @Option(names = "--write-frame", order = 16, paramLabel = "FILE",
      description = "Instead of a run: write the workload's (first) request frame to FILE, the body h2load sends.")
  Path writeFrame;

  @Option(names = "--calls", order = 17, defaultValue = "0", paramLabel = "N",
      description = "Stop sending after N calls (a few more with several --threads), before --duration is over if"
          + " they are sent by then; 0 for no limit (default: ${DEFAULT-VALUE}).")
  long calls;

  @Override
  public Integer call() throws InterruptedException {
    String problem = problems();
    if (!problem.isEmpty()) {
      throw new ParameterException(spec.commandLine(), problem);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (writeFrame != null) {
      writeFrame();
      return ExitCodes.BUDGET_HELD;
    }
    BenchOptions options = new BenchOptions(target, workload, connections, inflight, duration, rate, domain, warmup,
        threads, deadline, bursts, burstSize, awaitServingSince, servicePid, redisPid, calls);
    try {
      out.println(BenchRun.run(options).toJson());
    } catch (BenchFailure e) {
      throw new UserError(e.getMessage());
    }
    out.flush();
    return ExitCodes.BUDGET_HELD;
  }

  private String problems() {
    String[] counts = {"--connections", "--inflight", "--threads", "--burst-size"};
    int[] values = {connections, inflight, threads, burstSize};
    for (int i = 0; i < counts.length; i++) {
      if (values[i] < 1) {
        return counts[i] + " must be at least 1";
      }
    }
    if (duration.isZero()) {
      return "--duration must be longer than 0s";
    }
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      return "--rate must be 0 (closed loop) or a number of calls per second";
    }
    if (bursts < 0 || awaitServingSince < 0 || servicePid < 0 || redisPid < 0 || calls < 0) {
      return "--bursts, --await-serving-since, --service-pid, --redis-pid and --calls must not be negative";
    }
    return "";
  }

  private void writeFrame() {
    try {
      Files.write(writeFrame, RequestFrames.firstOf(workload, domain));
    } catch (NoSuchFileException e) {
      throw new UserError("cannot write --write-frame " + writeFrame + ": no such directory");
    } catch (IOException e) {
      throw new UserError("cannot write --write-frame " + writeFrame + ": " + e.getMessage());
    }
  }
}
