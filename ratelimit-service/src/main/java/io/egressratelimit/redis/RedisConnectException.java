package io.egressratelimit.redis;

/**
 * Redis could not be connected. {@link #retryable()} tells "not there yet" (nothing listening, a
 * name that does not resolve yet, a Sentinel that knows no master yet, a Redis still loading) from
 * a Redis that answered and refused us for a reason only the operator can fix: the credentials or
 * the TLS setup. The first kind is waited out; the second stops start-up with this one line.
 */
public final class RedisConnectException extends IllegalStateException {
  private final boolean retryable;

  RedisConnectException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }

  /** Whether a connect failure is Redis refusing our credentials or our TLS, which waiting never fixes. */
  static boolean refusedByConfiguration(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof javax.net.ssl.SSLException || cause instanceof java.security.GeneralSecurityException) {
        return true;
      }
      String message = String.valueOf(cause.getMessage());
      if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.startsWith("NOPERM")
          || message.contains("invalid password") || message.contains("invalid username-password")) {
        return true;
      }
    }
    return false;
  }
}
