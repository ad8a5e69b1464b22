package io.egressratelimit.logging;

import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * grpc-java logs through java.util.logging, outside the service's log format, and with a stack
 * trace for every call a client breaks: a malformed message, a reset stream, an oversized message.
 * One client could so write megabytes a second. This handler takes those records into the
 * service's own log (text or JSON, as LOG_FORMAT says), as one line each (the exception's class and
 * message, no stack trace unless that logger is at DEBUG), and at most one line per kind every
 * {@link #PERIOD}, with a count of those held back.
 */
public final class JulBridge extends Handler {
  static final Duration PERIOD = Duration.ofSeconds(10);
  /** java.util.logging keeps its loggers weakly; these hold the levels set here. */
  private static final List<java.util.logging.Logger> CONFIGURED = List.of(
      java.util.logging.Logger.getLogger("io.grpc"));
  private static final Pattern VARYING = Pattern.compile("@\\p{XDigit}+|\\d+");

  private final LogThrottle throttle;

  JulBridge(LogThrottle throttle) {
    this.throttle = throttle;
  }

  /** Replaces java.util.logging's console output with this bridge; grpc-java below WARNING stays quiet. */
  public static void install() {
    java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
    for (Handler handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    root.addHandler(new JulBridge(new LogThrottle(PERIOD)));
    CONFIGURED.forEach(logger -> logger.setLevel(Level.WARNING));
  }

  @Override
  public void publish(LogRecord record) {
    if (record == null) {
      return;
    }
    Logger target = LoggerFactory.getLogger(record.getLoggerName() == null ? "jul" : record.getLoggerName());
    int level = record.getLevel().intValue();
    if (!enabled(target, level)) {
      return;
    }
    String message = message(record);
    Throwable thrown = record.getThrown();
    OptionalLong heldBack = throttle.admit(kind(record, message));
    if (heldBack.isEmpty()) {
      return;
    }
    String line = message + (thrown == null ? "" : ": " + summary(thrown)) + LogThrottle.heldBack(heldBack.getAsLong());
    Throwable trace = thrown != null && target.isDebugEnabled() ? thrown : null;
    if (level >= Level.SEVERE.intValue()) {
      target.error(line, trace);
    } else if (level >= Level.WARNING.intValue()) {
      target.warn(line, trace);
    } else if (level >= Level.INFO.intValue()) {
      target.info(line, trace);
    } else {
      target.debug(line, trace);
    }
  }

  private static boolean enabled(Logger target, int level) {
    if (level >= Level.SEVERE.intValue()) {
      return target.isErrorEnabled();
    }
    if (level >= Level.WARNING.intValue()) {
      return target.isWarnEnabled();
    }
    if (level >= Level.INFO.intValue()) {
      return target.isInfoEnabled();
    }
    return target.isDebugEnabled();
  }

  private static String message(LogRecord record) {
    String text = String.valueOf(record.getMessage());
    Object[] parameters = record.getParameters();
    if (parameters == null || parameters.length == 0) {
      return text;
    }
    try {
      return MessageFormat.format(text, parameters);
    } catch (IllegalArgumentException e) {
      return text;
    }
  }

  /** Lines differ by object ids and numbers; their kind does not. */
  static String kind(LogRecord record, String message) {
    Throwable thrown = record.getThrown();
    return record.getLoggerName() + '|' + VARYING.matcher(message).replaceAll("#") + '|'
        + (thrown == null ? "" : thrown.getClass().getName());
  }

  /** The exception and its causes, each as class: message, on one line. */
  static String summary(Throwable thrown) {
    StringBuilder text = new StringBuilder();
    int depth = 0;
    for (Throwable t = thrown; t != null && depth < 4; t = t.getCause() == t ? null : t.getCause(), depth++) {
      if (depth > 0) {
        text.append("; caused by ");
      }
      text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return text.toString().replaceAll("\\s*\\R\\s*", " ");
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
