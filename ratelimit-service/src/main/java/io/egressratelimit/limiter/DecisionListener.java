package io.egressratelimit.limiter;

import io.egressratelimit.domain.Decision;
import io.egressratelimit.domain.LimitRequest;

/**
 * Observes each decision; the metrics adapter implements it. The engine owns this interface so it
 * never sees a metrics library.
 */
public interface DecisionListener {
  DecisionListener NONE = new DecisionListener() {};

  default void onDecision(LimitRequest request, Decision decision, long elapsedNanos) {}

  default void onStoreFailure(LimitRequest request, Throwable cause) {}

  /**
   * A warm-up rehearsal was decided (see {@link WarmupTraffic}): make ready what a real decision
   * like it will need, such as its rule's meters, and count nothing.
   */
  default void onRehearsal(LimitRequest request, Decision decision) {}
}
