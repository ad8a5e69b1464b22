package io.egressratelimit.loadgen.upstream;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.egressratelimit.loadgen.units.Durations;
import java.time.Duration;
import com.google.gson.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The stub's answer on {@code GET /stats}: {@code {"total":N,"maxInWindow":M,"windowSeconds":S,
 * "graceMillis":G}}. The first three fields are a shared contract. A usage-priced stub adds
 * {@code totalCost}, {@code maxCostInWindow} and {@code maxCost}.
 */
public record UpstreamStats(long total, int maxInWindow, Duration window, Duration grace, Optional<ServedCost> cost) {
  /**
   * Cost served, in the unit the stub reports it: in total, the most in any window, the largest
   * call, and each second's from {@code perSecondFromEpochMillis} on.
   */
  public record ServedCost(long total, long maxInWindow, long maxCall, long perSecondFromEpochMillis, List<Long> perSecond) {
    public ServedCost {
      perSecond = List.copyOf(perSecond);
    }
  }

  public UpstreamStats {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(grace, "grace");
    Objects.requireNonNull(cost, "cost");
  }

  public UpstreamStats(long total, int maxInWindow, Duration window, Duration grace) {
    this(total, maxInWindow, window, grace, Optional.empty());
  }

  public String toJson() {
    JsonObject json = new JsonObject();
    json.addProperty("total", total);
    json.addProperty("maxInWindow", maxInWindow);
    json.addProperty("windowSeconds", Durations.seconds(window));
    json.addProperty("graceMillis", grace.toMillis());
    cost.ifPresent(c -> {
      json.addProperty("totalCost", c.total());
      json.addProperty("maxCostInWindow", c.maxInWindow());
      json.addProperty("maxCost", c.maxCall());
      JsonArray seconds = new JsonArray();
      c.perSecond().forEach(seconds::add);
      json.add("costPerSecond", seconds);
      json.addProperty("costPerSecondFrom", c.perSecondFromEpochMillis());
    });
    return json.toString();
  }

  /**
   * @throws IllegalArgumentException when the text is not a stats answer
   */
  public static UpstreamStats fromJson(String text) {
    try {
      JsonObject json = JsonParser.parseString(text).getAsJsonObject();
      long total = json.get("total").getAsLong();
      int max = json.get("maxInWindow").getAsInt();
      double windowSeconds = json.get("windowSeconds").getAsDouble();
      long graceMillis = json.has("graceMillis") ? json.get("graceMillis").getAsLong() : 0;
      Optional<ServedCost> cost = Optional.empty();
      if (json.has("totalCost")) {
        List<Long> perSecond = new ArrayList<>();
        if (json.has("costPerSecond")) {
          json.getAsJsonArray("costPerSecond").forEach(s -> perSecond.add(s.getAsLong()));
        }
        cost = Optional.of(new ServedCost(json.get("totalCost").getAsLong(), json.get("maxCostInWindow").getAsLong(),
            json.get("maxCost").getAsLong(),
            json.has("costPerSecondFrom") ? json.get("costPerSecondFrom").getAsLong() : 0, perSecond));
      }
      return new UpstreamStats(
          total, max, Duration.ofMillis(Math.round(windowSeconds * 1000)), Duration.ofMillis(graceMillis), cost);
    } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
      throw new IllegalArgumentException("not a stats answer of the stub upstream");
    }
  }
}
