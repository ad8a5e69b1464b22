package io.egressratelimit.limiter.store;

import java.util.concurrent.CompletionException;

/** What a failed stage really failed with. */
public final class Completions {
  private Completions() {}

  /**
   * The failure itself: a stage that failed upstream of the one that reports it hands on a
   * {@link CompletionException} wrapping the original, which is what an answer or a log should name.
   */
  public static Throwable cause(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }
}
