package io.egressratelimit.envoyconfig;

/**
 * An Envoy config that Envoy would reject, or that would not do what the project relies on. The
 * message names the file and the place in it, and is meant to be printed as it is.
 */
public final class EnvoyConfigException extends Exception {
  public EnvoyConfigException(String message) {
    super(message);
  }
}
