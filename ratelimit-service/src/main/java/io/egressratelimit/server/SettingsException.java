package io.egressratelimit.server;

/** A setting the service cannot start with; the message alone is shown, and the exit code is 2. */
final class SettingsException extends RuntimeException {
  SettingsException(String message) {
    super(message, null, false, false);
  }
}
