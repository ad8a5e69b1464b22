package io.egressratelimit.loadgen.cli;

/** A mistake in what the user asked for or pointed at: reported as one line, never a stack trace. */
public final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserError(String message) {
    super(message);
  }
}
