package io.egressratelimit.loadgen.traffic;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;

/**
 * Calls spread round-robin over several targets, as a Service spreads them over Envoy replicas, with
 * what each target answered counted apart: a shared budget shows as 429s from every replica.
 */
public final class SpreadCaller implements Caller {
  private final List<String> names;
  private final List<Caller> targets;
  private final List<AtomicLongArray> outcomes = new ArrayList<>();
  private final AtomicLong next = new AtomicLong();

  /** @param names how the findings name each target (no secrets: the URL without a query) */
  public SpreadCaller(List<String> names, List<Caller> targets) {
    if (names.size() != targets.size() || targets.isEmpty()) {
      throw new IllegalArgumentException("one name per target, and at least one target");
    }
    this.names = List.copyOf(names);
    this.targets = List.copyOf(targets);
    for (int i = 0; i < targets.size(); i++) {
      outcomes.add(new AtomicLongArray(Outcome.values().length));
    }
  }

  @Override
  public CallResult call(LatLng latLng) {
    int target = (int) Math.floorMod(next.getAndIncrement(), (long) targets.size());
    CallResult result = targets.get(target).call(latLng);
    outcomes.get(target).incrementAndGet(result.outcome().ordinal());
    return result;
  }

  /** Per target, its outcomes so far. */
  public Map<String, Map<Outcome, Long>> outcomesByTarget() {
    Map<String, Map<Outcome, Long>> byTarget = new java.util.LinkedHashMap<>();
    for (int i = 0; i < targets.size(); i++) {
      Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
      for (Outcome outcome : Outcome.values()) {
        counts.put(outcome, outcomes.get(i).get(outcome.ordinal()));
      }
      byTarget.put(names.get(i), counts);
    }
    return byTarget;
  }

  /** One line per target: {@code URL: N calls, A admitted, R limited (429), E server errors, F failed}. */
  public List<String> findings() {
    return outcomesByTarget().entrySet().stream().map(entry -> {
      Map<Outcome, Long> counts = entry.getValue();
      long calls = counts.values().stream().mapToLong(Long::longValue).sum();
      return "  " + entry.getKey() + ": " + calls + " calls, " + counts.get(Outcome.ADMITTED) + " admitted, "
          + counts.get(Outcome.REJECTED) + " limited (429), " + counts.get(Outcome.SERVER_ERROR)
          + " server errors (503: the limiter could not answer in time), " + counts.get(Outcome.FAILED) + " failed";
    }).collect(Collectors.toList());
  }

  @Override
  public void close() {
    targets.forEach(Caller::close);
  }
}
