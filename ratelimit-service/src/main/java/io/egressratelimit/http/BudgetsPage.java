package io.egressratelimit.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The {@code /budgets} page: one self-contained file (inline CSS, script and SVG) that polls the
 * JSON of the same path. Its policy lets it load nothing from anywhere and talk only to this port.
 */
final class BudgetsPage {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'";
  static final String HTML = read();

  private BudgetsPage() {}

  private static String read() {
    try (InputStream in = BudgetsPage.class.getResourceAsStream("budgets.html")) {
      if (in == null) {
        throw new IllegalStateException("budgets.html is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
