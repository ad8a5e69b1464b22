package io.egressratelimit.loadgen.bench;

/** A run that cannot go ahead (no server, a refused connection): one line, no stack trace. */
public final class BenchFailure extends Exception {
  private static final long serialVersionUID = 1L;

  BenchFailure(String message) {
    super(message);
  }
}
