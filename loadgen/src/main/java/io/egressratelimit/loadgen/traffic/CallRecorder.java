package io.egressratelimit.loadgen.traffic;

/**
 * Where the workers report each finished call. The traffic package owns this seam so that it never
 * depends on what counts the calls (the run's statistics implement it).
 */
public interface CallRecorder {
  /** Called from many worker threads at once. */
  void record(CallResult result);
}
