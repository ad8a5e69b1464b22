package io.egressratelimit.limiter;

/** A request that breaks the protocol's rules; the gRPC adapter answers INVALID_ARGUMENT with this message. */
public final class InvalidRequestException extends RuntimeException {
  public InvalidRequestException(String message) {
    super(message, null, false, false);
  }
}
