package io.egressratelimit.loadgen.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CoordinatePlanTest {
  private static final LatLng STATIC = new LatLng(37.789980, -122.400860);

  @Test
  void everySixthCallRepeatsTheStaticPoint() {
    CoordinatePlan plan = new CoordinatePlan(6, STATIC);
    SplittableRandom random = new SplittableRandom(5);
    for (long call = 1; call <= 36; call++) {
      LatLng point = plan.forCall(call, random);
      if (call % 6 == 0) {
        assertEquals(STATIC, point, "call " + call);
      } else {
        assertNotEquals(STATIC, point, "call " + call);
      }
    }
  }

  @Test
  void zeroMeansNeverStatic() {
    CoordinatePlan plan = new CoordinatePlan(0, STATIC);
    SplittableRandom random = new SplittableRandom(5);
    for (long call = 1; call <= 20; call++) {
      assertNotEquals(STATIC, plan.forCall(call, random));
    }
  }

  @Test
  void latLngFormatsAsTheApiSpellsIt() {
    assertEquals("37.789980,-122.400860", STATIC.toString());
    assertEquals(STATIC, LatLng.parse("37.789980,-122.400860").orElseThrow());
  }

  @Test
  void latLngOutOfRangeOrMalformedDoesNotParse() {
    assertEquals(java.util.Optional.empty(), LatLng.parse("91,0"));
    assertEquals(java.util.Optional.empty(), LatLng.parse("0,181"));
    assertEquals(java.util.Optional.empty(), LatLng.parse("1;2"));
    assertEquals(java.util.Optional.empty(), LatLng.parse("NaN,0"));
    assertEquals(java.util.Optional.empty(), LatLng.parse("1,2,3"));
  }
}
