package io.egressratelimit.loadgen.bench;

/** The service's and Redis's CPU so far, in clock ticks; -1 for a process not asked about. */
record CpuSample(long service, long redis) {
  static CpuSample take(BenchOptions options) throws BenchFailure {
    return new CpuSample(ProcessCpu.ticks(options.servicePid()), ProcessCpu.ticks(options.redisPid()));
  }
}
