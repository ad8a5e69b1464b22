package io.egressratelimit.loadgen.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpreadCallerTest {
  private static final LatLng HERE = new LatLng(37.4, -122.1);

  @Test
  void callsTakeTurnsAndEachTargetsAnswersAreCountedApart() {
    Caller admits = latLng -> CallResult.of(Outcome.ADMITTED, 1);
    Caller limits = latLng -> CallResult.of(Outcome.REJECTED, 1);
    SpreadCaller spread = new SpreadCaller(List.of("envoy-1", "envoy-2"), List.of(admits, limits));
    for (int i = 0; i < 5; i++) {
      spread.call(HERE);
    }
    Map<String, Map<Outcome, Long>> counts = spread.outcomesByTarget();
    assertEquals(3L, counts.get("envoy-1").get(Outcome.ADMITTED));
    assertEquals(0L, counts.get("envoy-1").get(Outcome.REJECTED));
    assertEquals(2L, counts.get("envoy-2").get(Outcome.REJECTED));
    assertEquals("  envoy-2: 2 calls, 0 admitted, 2 limited (429), 0 server errors (503: the limiter could not answer"
        + " in time), 0 failed", spread.findings().get(1));
  }
}
