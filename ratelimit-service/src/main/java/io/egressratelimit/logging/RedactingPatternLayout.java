package io.egressratelimit.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** The plain-text log format, with secrets masked in the whole line, stack traces included. */
public final class RedactingPatternLayout extends PatternLayout {
  @Override
  public String doLayout(ILoggingEvent event) {
    return Redaction.redact(super.doLayout(event));
  }
}
