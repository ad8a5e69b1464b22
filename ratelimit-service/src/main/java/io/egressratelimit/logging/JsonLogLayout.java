package io.egressratelimit.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;

/**
 * One JSON object per line, with the few fields log pipelines look for: {@code time},
 * {@code level}, {@code logger}, {@code thread}, {@code message} and, for a failure, {@code error}.
 * Secrets are masked before escaping, so an escaped form cannot slip past.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder json = new StringBuilder(256).append('{');
    field(json, "time", Instant.ofEpochMilli(event.getTimeStamp()).toString()).append(',');
    field(json, "level", event.getLevel().toString()).append(',');
    field(json, "logger", event.getLoggerName()).append(',');
    field(json, "thread", event.getThreadName()).append(',');
    field(json, "message", Redaction.redact(event.getFormattedMessage()));
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      field(json.append(','), "error", Redaction.redact(ThrowableProxyUtil.asString(error)));
    }
    return json.append('}').append('\n').toString();
  }

  private static StringBuilder field(StringBuilder json, String name, String value) {
    return escape(escape(json, name).append(':'), value == null ? "" : value);
  }

  private static StringBuilder escape(StringBuilder json, String text) {
    json.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }
}
