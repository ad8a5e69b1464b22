package io.egressratelimit.server;

import io.egressratelimit.limiter.CircuitBreakingStore;
import io.egressratelimit.logging.LogThrottle;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a store outage in the log: one WARN line when calls start failing (with the reason), one
 * when the circuit breaker opens, one when it closes again. A store that flaps writes each kind at
 * most once every {@link #PERIOD}, and the next line says how many were held back.
 */
final class StoreOutageLog implements CircuitBreakingStore.Listener {
  static final Duration PERIOD = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(StoreOutageLog.class);

  private final Supplier<String> store;
  private final Duration openFor;
  private final LogThrottle throttle;

  StoreOutageLog(Supplier<String> store, Duration openFor, LogThrottle throttle) {
    this.store = store;
    this.openFor = openFor;
    this.throttle = throttle;
  }

  @Override
  public void onFailing(String reason) {
    OptionalLong heldBack = throttle.admit("failing");
    if (heldBack.isPresent()) {
      LOG.warn("the bucket store is failing: {}; store {}{}", reason, store.get(), LogThrottle.heldBack(heldBack.getAsLong()));
    }
  }

  @Override
  public void onOpened(int failures, Duration failingFor, String lastReason) {
    OptionalLong heldBack = throttle.admit("opened");
    if (heldBack.isPresent()) {
      LOG.warn("circuit breaker open: {} calls to the bucket store failed over {} ms (last: {}); calls now fail at "
          + "once and one probe every {} ms decides when to close{}", failures, failingFor.toMillis(), lastReason,
          openFor.toMillis(), LogThrottle.heldBack(heldBack.getAsLong()));
    }
  }

  @Override
  public void onClosed(Duration openFor) {
    OptionalLong heldBack = throttle.admit("closed");
    if (heldBack.isPresent()) {
      LOG.warn("circuit breaker closed: the bucket store answers again after {} s; store {}{}",
          openFor.toMillis() / 1000.0, store.get(), LogThrottle.heldBack(heldBack.getAsLong()));
    }
  }
}
