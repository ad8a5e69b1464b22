package io.egressratelimit.loadgen.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportWriterTest {
  @TempDir Path dir;

  @Test
  void holdsTheSeriesPerSecondAndTheBudgetLines() {
    String html = HtmlReportWriter.render(SampleSummaries.fourSeconds(6, 20));
    assertEquals("3,2,0,1", seriesValues(html, "admitted"));
    assertEquals("0,4,6,2", seriesValues(html, "rejected"));
    assertEquals("0,1,0,0", seriesValues(html, "errors"));
    assertEquals("3,5,5,6", seriesValues(html, "in-window"));
    // one bar per non-empty second, carrying its count
    assertEquals(List.of("0:3", "1:2", "3:1"), bars(html, "admitted"));
    assertEquals(List.of("1:4", "2:6", "3:2"), bars(html, "rejected"));
    // the budget as an average rate (20 per 10s = 2/s) and as the window's limit
    assertEquals(List.of("2", "20"), all(html, "<line class=\"budget\" data-value=\"([^\"]+)\""));
  }

  @Test
  void hasALatencyPanelWithTheDecisionApartAgainstEnvoysTimeout() {
    String html = HtmlReportWriter.render(SampleSummaries.fourSeconds(6, 20));
    assertEquals("1.50,2.50,9.75,12,12", seriesValues(html, "call"));
    assertEquals("0.25,0.50,0.75,1,1.25", seriesValues(html, "decision"));
    assertEquals("1.25,2,9,11,11", seriesValues(html, "upstream"));
    assertEquals(List.of("20"), all(html, "<line class=\"timeout\" data-value=\"([^\"]+)\""));
    assertTrue(html.contains("<tr><td>decision latency</td><td>p50 0.25ms  p90 0.50ms  p99 0.75ms"), html);
  }

  @Test
  void showsTheVerdictAndTheSummaryTable() {
    String held = HtmlReportWriter.render(SampleSummaries.fourSeconds(6, 20));
    assertTrue(held.contains("class=\"verdict held\">budget held: max 6 admitted in any 10s window (budget 20)<"));
    assertTrue(held.contains("<tr><td>429</td><td>12</td></tr>"));
    assertTrue(held.contains("<tr><td>sent</td><td>19</td></tr>"));
    String exceeded = HtmlReportWriter.render(SampleSummaries.fourSeconds(23, 20));
    assertTrue(exceeded.contains("class=\"verdict exceeded\">BUDGET EXCEEDED: max 23 admitted in a 10s window (budget 20)<"));
  }

  @Test
  void isSelfContained() throws IOException {
    Path file = dir.resolve("report.html");
    HtmlReportWriter.write(SampleSummaries.fourSeconds(6, 20), file);
    String html = Files.readString(file);
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertTrue(html.contains("<svg"));
    assertFalse(Pattern.compile("(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//", Pattern.CASE_INSENSITIVE).matcher(html).find());
    assertFalse(Pattern.compile("<script", Pattern.CASE_INSENSITIVE).matcher(html).find());
    assertFalse(Pattern.compile("<link|@import|url\\(", Pattern.CASE_INSENSITIVE).matcher(html).find());
    assertFalse(html.contains("http://") || html.contains("https://"));
    assertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));
  }

  @Test
  void escapesText() {
    String html = HtmlReportWriter.render(SampleSummaries.fourSeconds(6, 20));
    assertTrue(html.contains("rls &lt;&amp;&gt;"));
    assertFalse(html.contains("rls <&>"));
  }

  private static String seriesValues(String html, String series) {
    Matcher m = Pattern.compile("data-series=\"" + series + "\" data-values=\"([^\"]*)\"").matcher(html);
    assertTrue(m.find(), "series " + series);
    return m.group(1);
  }

  private static List<String> bars(String html, String series) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile("<rect class=\"" + series + "\" data-second=\"(\\d+)\" data-count=\"(\\d+)\"").matcher(html);
    while (m.find()) {
      found.add(m.group(1) + ":" + m.group(2));
    }
    return found;
  }

  private static List<String> all(String html, String regex) {
    List<String> found = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(html);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
