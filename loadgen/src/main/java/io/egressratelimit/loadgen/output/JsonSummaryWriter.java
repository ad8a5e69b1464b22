package io.egressratelimit.loadgen.output;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.egressratelimit.loadgen.stats.Counts;
import io.egressratelimit.loadgen.stats.LatencySummary;
import io.egressratelimit.loadgen.stats.RunSummary;
import io.egressratelimit.loadgen.stats.SecondCounts;
import io.egressratelimit.loadgen.stats.Verdict;
import io.egressratelimit.loadgen.units.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The summary as JSON for scripts ({@code --json FILE}). Field names are a contract: keep them. */
public final class JsonSummaryWriter {
  private JsonSummaryWriter() {}

  public static void write(RunSummary summary, Path file) throws IOException {
    String json = new GsonBuilder().setPrettyPrinting().create().toJson(toJson(summary));
    Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
  }

  static JsonObject toJson(RunSummary summary) {
    JsonObject root = new JsonObject();
    root.addProperty("mode", summary.mode());
    root.addProperty("startedAt", summary.startedAt().toString());
    root.addProperty("elapsedSeconds", summary.elapsed().toMillis() / 1000.0);
    JsonObject settings = new JsonObject();
    summary.settings().forEach(settings::addProperty);
    root.add("settings", settings);

    Counts c = summary.counts();
    root.addProperty("sent", c.sent());
    root.addProperty("status2xx", c.admitted());
    root.addProperty("status429", c.rejected());
    root.addProperty("status5xx", c.serverErrors());
    root.addProperty("otherStatus", c.otherStatus());
    root.addProperty("errors", c.failed());
    root.addProperty("rlsFailures", c.rlsFailures());
    root.addProperty("achievedRate", summary.achievedRate());

    root.add("latencyMillis", latency(summary.latency()));
    // count 0 where the mode cannot tell the decision (or the upstream) apart, e.g. through Envoy
    root.add("decisionLatencyMillis", latency(summary.decisionLatency()));
    root.add("upstreamLatencyMillis", latency(summary.upstreamLatency()));

    Verdict v = summary.verdict();
    JsonObject verdict = new JsonObject();
    verdict.addProperty("source", v.source().name().toLowerCase(Locale.ROOT));
    verdict.addProperty("admitted", v.admittedTotal());
    verdict.addProperty("maxInWindow", v.maxInWindow());
    verdict.addProperty("windowSeconds", Durations.seconds(v.window()));
    verdict.addProperty("graceMillis", v.grace().toMillis());
    if (v.budget().isPresent()) {
      verdict.addProperty("budget", v.budget().getAsInt());
    }
    verdict.addProperty("held", v.held());
    verdict.addProperty("line", v.line());
    v.cost().ifPresent(served -> {
      JsonObject cost = new JsonObject();
      cost.addProperty("total", served.totalCost());
      cost.addProperty("maxInWindow", served.maxCostInWindow());
      cost.addProperty("maxCall", served.maxCallCost());
      served.budget().ifPresent(b -> cost.addProperty("budget", b));
      served.bound().ifPresent(b -> cost.addProperty("bound", b));
      cost.addProperty("held", served.held());
      cost.addProperty("line", served.line());
      JsonArray costPerSecond = new JsonArray();
      served.perSecond().forEach(costPerSecond::add);
      cost.add("perSecond", costPerSecond);
      verdict.add("cost", cost);
    });
    root.add("verdict", verdict);

    JsonArray perSecond = new JsonArray();
    for (SecondCounts s : summary.perSecond()) {
      JsonObject row = new JsonObject();
      row.addProperty("second", s.second());
      row.addProperty("admitted", s.admitted());
      row.addProperty("rejected", s.rejected());
      row.addProperty("errors", s.errors());
      row.addProperty("inWindow", s.inWindow());
      perSecond.add(row);
    }
    root.add("perSecond", perSecond);
    return root;
  }

  private static JsonObject latency(LatencySummary l) {
    JsonObject latency = new JsonObject();
    latency.addProperty("count", l.count());
    latency.addProperty("p50", l.p50());
    latency.addProperty("p90", l.p90());
    latency.addProperty("p99", l.p99());
    latency.addProperty("p999", l.p999());
    latency.addProperty("max", l.max());
    return latency;
  }
}
