package io.egressratelimit.loadgen.output;

import io.egressratelimit.loadgen.stats.RunSummary;
import java.io.PrintWriter;
import java.util.Map;

/** The final summary on the terminal, ending with the verdict line. */
public final class SummaryPrinter {
  private SummaryPrinter() {}

  public static void print(RunSummary summary, PrintWriter out) {
    Map<String, String> rows = SummaryTable.rows(summary);
    int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
    out.println();
    rows.forEach((label, value) -> out.println(pad(label, width) + "  " + value));
    out.println();
    out.println(summary.verdict().lines());
    out.flush();
  }

  private static String pad(String text, int width) {
    return text + " ".repeat(width - text.length());
  }
}
