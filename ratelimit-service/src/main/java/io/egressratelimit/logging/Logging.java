package io.egressratelimit.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Applies LOG_LEVEL and LOG_FORMAT once the settings are read. logback.xml stays the one
 * definition of both formats; this only reloads it with the chosen values, which take precedence
 * over the environment logback would otherwise read.
 */
public final class Logging {
  public enum Level { TRACE, DEBUG, INFO, WARN, ERROR }

  public enum Format { TEXT, JSON }

  private Logging() {}

  public static void configure(Level level, Format format) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    context.putProperty("LOG_LEVEL", level.name());
    context.putProperty("LOG_FORMAT", format.name().toLowerCase(Locale.ROOT));
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(Logging.class.getResource("/logback.xml"));
    } catch (JoranException e) {
      throw new IllegalStateException("the packaged logback.xml is broken: " + e.getMessage(), e);
    }
    JulBridge.install();
  }
}
