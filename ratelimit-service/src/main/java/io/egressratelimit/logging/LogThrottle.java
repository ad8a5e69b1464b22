package io.egressratelimit.logging;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Lets a line of one kind through at most once per period and counts the ones it held back, so a
 * client that repeats a mistake thousands of times a second writes one line, not thousands, and the
 * next line still tells how many there were. Kinds are bounded: past {@code maxKinds} the oldest
 * are forgotten (their next line then goes through).
 */
public final class LogThrottle {
  private final long periodNanos;
  private final int maxKinds;
  private final LongSupplier nanoTicker;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    long lastAt;
    long heldBack;
  }

  public LogThrottle(Duration period, int maxKinds, LongSupplier nanoTicker) {
    this.periodNanos = period.toNanos();
    this.maxKinds = maxKinds;
    this.nanoTicker = nanoTicker;
  }

  public LogThrottle(Duration period) {
    this(period, 1024, System::nanoTime);
  }

  /**
   * Whether a line of this kind may be written now: empty when not (it is counted), otherwise how
   * many lines of the kind were held back since the last one written.
   */
  public OptionalLong admit(String kind) {
    long now = nanoTicker.getAsLong();
    if (windows.size() >= maxKinds && !windows.containsKey(kind)) {
      windows.clear();
    }
    Window window = windows.computeIfAbsent(kind, ignored -> {
      Window fresh = new Window();
      fresh.lastAt = now - periodNanos;
      return fresh;
    });
    synchronized (window) {
      if (now - window.lastAt < periodNanos) {
        window.heldBack++;
        return OptionalLong.empty();
      }
      long heldBack = window.heldBack;
      window.heldBack = 0;
      window.lastAt = now;
      return OptionalLong.of(heldBack);
    }
  }

  /** The suffix that says how many lines were held back, or nothing. */
  public static String heldBack(long count) {
    return count == 0 ? "" : " (and " + count + " more like it since the last such line)";
  }
}
