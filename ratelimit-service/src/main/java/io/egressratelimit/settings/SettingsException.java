package io.egressratelimit.settings;

/** A setting the service cannot start with; the message alone is shown, and the exit code is 2. */
public final class SettingsException extends RuntimeException {
  public SettingsException(String message) {
    super(message, null, false, false);
  }
}
