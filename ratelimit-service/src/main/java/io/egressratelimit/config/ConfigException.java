package io.egressratelimit.config;

/**
 * A limits config that cannot be loaded. The message is the whole story for the user, in the form
 * {@code file: path.inside[0].the.file: reason}, so callers print it as it is, without a trace.
 */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
