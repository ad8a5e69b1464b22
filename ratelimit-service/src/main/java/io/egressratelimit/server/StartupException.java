package io.egressratelimit.server;

/** The service cannot start for a reason the user can fix (a bad config, a port in use); exit code 1. */
final class StartupException extends RuntimeException {
  StartupException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
