package io.egressratelimit.loadgen.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonSummaryWriterTest {
  @TempDir Path dir;

  @Test
  void writesTheSummaryFieldsScriptsRelyOn() throws IOException {
    Path file = dir.resolve("summary.json");
    JsonSummaryWriter.write(SampleSummaries.fourSeconds(23, 20), file);
    JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    assertEquals(19, json.get("sent").getAsLong());
    assertEquals(6, json.get("status2xx").getAsLong());
    assertEquals(12, json.get("status429").getAsLong());
    assertEquals(1, json.get("status5xx").getAsLong());
    assertEquals(4.75, json.get("achievedRate").getAsDouble(), 1e-9);
    assertEquals(9.75, json.getAsJsonObject("latencyMillis").get("p99").getAsDouble(), 1e-9);
    assertEquals(0.75, json.getAsJsonObject("decisionLatencyMillis").get("p99").getAsDouble(), 1e-9);
    assertEquals(18, json.getAsJsonObject("decisionLatencyMillis").get("count").getAsLong());
    assertEquals(9, json.getAsJsonObject("upstreamLatencyMillis").get("p99").getAsDouble(), 1e-9);
    JsonObject verdict = json.getAsJsonObject("verdict");
    assertEquals(false, verdict.get("held").getAsBoolean());
    assertEquals(23, verdict.get("maxInWindow").getAsInt());
    assertEquals(20, verdict.get("budget").getAsInt());
    assertEquals("10", verdict.get("windowSeconds").toString());
    assertEquals("upstream", verdict.get("source").getAsString());
    assertEquals(4, json.getAsJsonArray("perSecond").size());
    assertEquals(6, json.getAsJsonArray("perSecond").get(2).getAsJsonObject().get("rejected").getAsLong());
  }
}
