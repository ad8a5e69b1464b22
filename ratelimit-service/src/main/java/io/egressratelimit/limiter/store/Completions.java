package io.egressratelimit.limiter.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Failures of stages, seen one way wherever they are handled. */
public final class Completions {
  private Completions() {}

  /**
   * The failure itself: a stage that failed upstream of the one that reports it hands on a
   * {@link CompletionException} wrapping the original, which is what an answer or a log should name.
   */
  public static Throwable cause(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  /**
   * The stage a call returns, or a failed one when the call throws instead: whoever waits on the
   * stage then sees every failure the same way.
   */
  public static <T> CompletionStage<T> calling(Supplier<? extends CompletionStage<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
