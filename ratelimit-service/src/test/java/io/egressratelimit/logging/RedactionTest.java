package io.egressratelimit.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RedactionTest {
  private static final Logger LOGGER = (Logger) LoggerFactory.getLogger("test");

  private static LoggingEvent event(String message, Throwable error) {
    return new LoggingEvent(Logger.class.getName(), LOGGER, Level.WARN, message, error, null);
  }

  @Test
  void credentialsInAnyUrlAreMasked() {
    assertEquals("connect redis://<redacted>@10.0.0.1:6379 and rediss://<redacted>@h:6380/0 failed",
        Redaction.redact("connect redis://user:pw1@10.0.0.1:6379 and rediss://:pw2@h:6380/0 failed"));
    assertEquals("no credentials: redis://h:6379", Redaction.redact("no credentials: redis://h:6379"));
  }

  @Test
  void aRegisteredSecretIsMaskedWhereverItAppearsIncludingItsUrlEncodedForm() {
    Redaction.addUrlPassword("redis://default:p%40ss-Redaction-1@host:6379");
    Redaction.addSecret("auth-Redaction-2");
    assertEquals("AUTH <redacted> then <redacted>, nothing else",
        Redaction.redact("AUTH auth-Redaction-2 then p@ss-Redaction-1, nothing else"));
    assertEquals("<redacted>", Redaction.redact("p%40ss-Redaction-1"));
  }

  @Test
  void theTextLayoutMasksTheWholeLineStackTraceIncluded() {
    Redaction.addSecret("layout-secret-3");
    RedactingPatternLayout layout = new RedactingPatternLayout();
    layout.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
    layout.setPattern("%-5level %msg%n");
    layout.start();
    String line = layout.doLayout(event("login with layout-secret-3",
        new IllegalStateException("rejected layout-secret-3 at redis://u:layout-secret-3@h")));
    assertFalse(line.contains("layout-secret-3"), line);
    assertTrue(line.startsWith("WARN  login with <redacted>\njava.lang.IllegalStateException: rejected <redacted>"),
        line);
  }

  @Test
  void theJsonLayoutWritesOneParsableObjectPerLineWithSecretsMaskedBeforeEscaping() throws Exception {
    Redaction.addSecret("json\"secret-4");
    String line = new JsonLogLayout().doLayout(event("quote \" newline \n and json\"secret-4",
        new IllegalArgumentException("json\"secret-4")));
    assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
    Struct.Builder parsed = Struct.newBuilder();
    JsonFormat.parser().merge(line, parsed);
    assertEquals("WARN", parsed.getFieldsOrThrow("level").getStringValue());
    assertEquals("test", parsed.getFieldsOrThrow("logger").getStringValue());
    assertEquals("quote \" newline \n and <redacted>", parsed.getFieldsOrThrow("message").getStringValue());
    assertTrue(parsed.getFieldsOrThrow("error").getStringValue()
        .startsWith("java.lang.IllegalArgumentException: <redacted>"), line);
    assertTrue(parsed.containsFields("time") && parsed.containsFields("thread"));
    assertFalse(line.contains("secret-4"), line);
  }
}
