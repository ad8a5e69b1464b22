package io.egressratelimit.loadgen.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.egressratelimit.loadgen.stats.Counts;
import io.egressratelimit.loadgen.stats.RunStats;
import io.egressratelimit.loadgen.traffic.CallResult;
import io.egressratelimit.loadgen.traffic.Outcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {
  @Test
  void lineShowsRateOkRejectedErrorsAndP99() {
    Counts counts = new Counts(70, 20, 43, 2, 1, 4, 0);
    assertEquals("[  12s] rate 5.8/s  ok 20  429 43  errors 7  p99 4.1ms", ProgressPrinter.line(12, 5.78, counts, 4.1));
  }

  @Test
  void theDecisionAndUpstreamSharesFollowWhereMeasured() {
    assertEquals("  decision p99 0.6ms  upstream p99 3.4ms",
        ProgressPrinter.parts(OptionalDouble.of(0.61), OptionalDouble.of(3.4)));
    assertEquals("", ProgressPrinter.parts(OptionalDouble.empty(), OptionalDouble.empty()));
  }

  @Test
  void aRunThatMeasuresDecisionsShowsThemInTheLine() {
    StringWriter text = new StringWriter();
    RunStats stats = new RunStats(System.nanoTime());
    stats.record(CallResult.of(Outcome.ADMITTED, 5_000_000).withParts(1_000_000, 4_000_000));
    try (ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), false, stats)) {
      printer.tick();
      printer.tick();
    }
    List<String> lines = text.toString().lines().toList();
    assertTrue(lines.get(0).endsWith("p99 5.0ms  decision p99 1.0ms  upstream p99 4.0ms"), lines.get(0));
    assertTrue(lines.get(1).endsWith("decision p99 0.0ms  upstream p99 0.0ms"), "a quiet second still shows them");
  }

  @Test
  void plainLinesWhenNotATerminal() {
    StringWriter text = new StringWriter();
    try (ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), false, statsWithCalls())) {
      printer.tick();
      printer.tick();
    }
    String out = text.toString();
    assertFalse(out.contains("\r") || out.contains("\u001b"), out);
    assertEquals(2, out.lines().count());
    assertTrue(out.contains("ok 1  429 1  errors 0"), out);
    assertFalse(out.contains("decision"), "a run that never saw a decision apart does not show one: " + out);
  }

  @Test
  void redrawsInPlaceOnATerminal() {
    StringWriter text = new StringWriter();
    try (ProgressPrinter printer = new ProgressPrinter(new PrintWriter(text), true, statsWithCalls())) {
      printer.tick();
      printer.tick();
    }
    String out = text.toString();
    assertEquals(2, out.chars().filter(c -> c == '\r').count());
    assertTrue(out.contains("\u001b[K"));
    assertTrue(out.endsWith(System.lineSeparator()), "the finished line is left on screen");
    assertEquals(out.length() - System.lineSeparator().length(), out.indexOf(System.lineSeparator()), "one line, redrawn");
  }

  private static RunStats statsWithCalls() {
    RunStats stats = new RunStats(System.nanoTime());
    stats.record(CallResult.of(Outcome.ADMITTED, 2_000_000));
    stats.record(CallResult.of(Outcome.REJECTED, 1_000_000));
    return stats;
  }
}
